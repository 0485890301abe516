package io.peerlink.transport;

import io.peerlink.identity.PeerKey;
import io.peerlink.handshake.Session;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a finished handshake into a running connection in the {@link PeerDirectory}, or refuses it
 * (the service is stopping, or the peer already has a connection that wins the tie-break). The
 * one gate between the listener and dialer on one side and the directory on the other: once
 * {@link #close} ran, nothing more is attached.
 *
 * <p>Thread-safe.
 */
public final class Sessions {

    /**
     * Who runs over the connections (messaging): told of each one's frames (as its
     * {@link PeerConnection.Handler}), and of each new one before and after it is attached. Neither
     * call holds a lock of the directory or of this class, so either may wait for the store.
     */
    public interface Owner extends PeerConnection.Handler {
        /**
         * A peer completed a handshake: admit it (null), or refuse it with the close code returned
         * (then the connection is closed at once, before it is attached). Decided without waiting.
         * {@code direction} OUTBOUND: this peer dialled it (directly or through a relay's circuit);
         * {@code dialAddress}: the peer's own address dialled, null when inbound or through a relay
         * without one.
         */
        CloseCode admit(PeerKey peer, Direction direction, String dialAddress);

        /**
         * An admitted peer's connection is attached: record it (the write is queued before the
         * connection reads anything; nothing waits for its commit here).
         */
        void handshaken(PeerKey peer, Direction direction, String dialAddress);

        /** The connection is attached and running: send what waits for its peer. */
        void attached(PeerConnection connection);
    }

    enum Registered { ATTACHED, DUPLICATE, STOPPED, REFUSED }

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

    private final ConnectionSettings settings;
    private final PeerDirectory directory;
    private final Owner owner;
    private final Timers timers;
    private final ConnectionObserver observer;
    private final Clock clock;
    private boolean open = true; // guarded by this

    public Sessions(ConnectionSettings settings, PeerDirectory directory, Owner owner, ConnectionObserver observer,
            Clock clock, Timers timers) {
        this.settings = settings;
        this.directory = directory;
        this.owner = owner;
        this.timers = timers;
        this.observer = observer;
        this.clock = clock;
    }

    /**
     * Turns a handshaken {@code pending} connection (its connection slot taken) into a running
     * connection, which takes over the socket and the slot ({@link PendingConnection#establish}) and
     * releases them when it ends, or at once when it is refused. If this throws, nothing was taken
     * over: the caller's {@code pending} releases them. {@code dialAddress} is the {@code host:port}
     * this peer dialled, null for an inbound connection.
     */
    Registered register(PendingConnection pending, InputStream in, OutputStream out, Session session,
            Direction direction, String dialAddress) throws IOException {
        return register(pending, in, out, session, direction, dialAddress, null, null);
    }

    /**
     * As above, for a connection carried by the circuit of relay {@code relayId} (null: direct);
     * {@code opening}, when not null, is the connection's first frame, queued before the connection
     * starts and before its owner queues anything (a client's GRANT).
     */
    Registered register(PendingConnection pending, InputStream in, OutputStream out, Session session,
            Direction direction, String dialAddress, String relayId, Frame opening) throws IOException {
        PeerConnection fresh;
        try {
            fresh = new PeerConnection(pending.socket(), in, out, session, direction, clock.instant(),
                    settings.limits(), settings.keepAliveInterval(), settings.idleTimeout(), owner, observer,
                    pending.slot(), timers, relayId);
        } catch (IOException | RuntimeException e) {
            if (isClosed()) {
                // stop() closed the socket just as the handshake finished: that is no failure
                return Registered.STOPPED;
            }
            throw e;
        }
        pending.establish();
        // refused right after the handshake (a blocked peer, a request over its quota): the CLOSE tells
        // the peer why, nothing is read or recorded. Decided in memory, no lock held.
        CloseCode refusal = owner.admit(session.peer(), direction, dialAddress);
        if (refusal != null) {
            fresh.reject(refusal);
            log.info("Refused {} ({}, {}): {}", session.peer().peerId(), direction, fresh.remoteAddress(), refusal);
            return Registered.REFUSED;
        }
        Instant now = clock.instant();
        PeerDirectory.Attach outcome = null;
        synchronized (this) {
            if (open) {
                // only the swap under the locks: nothing waits, nothing is written to the socket
                outcome = directory.attach(fresh, now, c -> {
                });
            }
        }
        if (outcome == null) {
            // stop() ran while this handshake was finishing: say goodbye, read nothing
            fresh.reject(CloseCode.GOING_AWAY);
            return Registered.STOPPED;
        }
        if (outcome == PeerDirectory.Attach.DUPLICATE) {
            // the other side makes the same choice; anything it sent here is re-sent on the winner
            fresh.reject(CloseCode.DUPLICATE);
            log.info("Dropped a duplicate connection to {} ({})", session.peer().peerId(), direction);
            return Registered.DUPLICATE;
        }
        log.info("Connected to {} ({}, {})", session.peer().peerId(), direction, fresh.remoteAddress());
        // after the locks: the peer's record is queued for the store (not waited for) before the
        // connection reads anything, so that every write about what it receives comes after it
        try {
            owner.handshaken(session.peer(), direction, dialAddress);
        } catch (RuntimeException e) {
            // the store is closing: the connection still runs; its messages will not be stored
            log.warn("Peer {} not recorded: {}", session.peer().peerId(), e.toString());
        }
        if (opening != null) {
            fresh.send(opening);
        }
        fresh.start();
        // the messages waiting for the peer go out, oldest first, in windows
        owner.attached(fresh);
        return Registered.ATTACHED;
    }

    /**
     * Refuses a handshaken connection before it is attached: sends CLOSE {@code code} on it and
     * closes its socket. The caller's {@code pending} keeps whatever slot it holds (and gives it back).
     */
    void refuse(PendingConnection pending, InputStream in, OutputStream out, Session session, Direction direction,
            CloseCode code) {
        try {
            new PeerConnection(pending.socket(), in, out, session, direction, clock.instant(), settings.limits(),
                    settings.keepAliveInterval(), settings.idleTimeout(), owner, observer, Slot.NONE, timers)
                    .reject(code);
        } catch (IOException | RuntimeException e) {
            // the peer is gone already: the pending connection closes the socket either way
            log.debug("Refusing {} failed: {}", session.peer().peerId(), e.toString());
        } finally {
            session.sendCipher().destroy();
            session.receiveCipher().destroy();
        }
    }

    /** Refuses every later registration. */
    public synchronized void close() {
        open = false;
    }

    /** Whether {@link #close} ran: the service is stopping. */
    synchronized boolean isClosed() {
        return !open;
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
