package io.peerlink.transport;

import io.peerlink.handshake.HandshakeDriver;
import io.peerlink.handshake.Session;
import io.peerlink.identity.Identity;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The peer port: accepts connections, admits them to a handshake or closes them at once, and runs
 * the server side of each admitted handshake on its own virtual thread.
 *
 * <p>Pre-authentication admission (docs/PROTOCOL.md section 8): a new connection is closed before
 * a byte is sent when every connection slot is taken (and none by an unknown identity that a contact
 * could take it from, {@link ConnectionSlots}), when the crypto pool's queue is full, or when
 * {@link Admission} refuses it (the handshake budget, in total and per address, and the per-source
 * rate limit while the budget is more than half used). An admitted connection holds a handshake
 * slot, from a budget of its own apart from the established connections and the outbound dials,
 * until its handshake ends; it gives that back before it takes a connection slot. An admitted
 * handshake whose source has no token left when its CLIENT_HELLO arrives is closed before that is
 * decrypted (section 8, the token bucket). The handshake's CPU-heavy
 * steps run on the bounded {@link CryptoPool}, its socket I/O on its own virtual thread. Each
 * handshaken peer is a contact or not ({@link PeerStanding}); a contact takes any free connection
 * slot or the one of an unknown identity let go for it, an unknown identity one within the
 * unknowns' caps, and a peer that gets none hears CLOSE TOO_MANY_CONNECTIONS. Each
 * refusal and each failed handshake is counted by reason through the {@link ConnectionObserver},
 * and logged at most once per source a minute ({@link RefusalLog}).
 *
 * <p>Thread-safe; {@link #start} and {@link #close} are called once each.
 */
public final class Listener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Listener.class);
    /**
     * Connections the kernel queues until the accept loop takes them (capped by the system's
     * {@code somaxconn}). The loop refuses in microseconds, but under a connection flood a short
     * queue overflows and the kernel drops SYNs, legitimate ones too, which then wait a second for
     * their retransmission.
     */
    private static final int BACKLOG = 1024;

    private final Identity identity;
    private final ConnectionSettings settings;
    private final ConnectionObserver observer;
    private final SecureRandom random;
    private final ConnectionSlots connectionSlots;
    private final PeerStanding standing;
    private final Sessions sessions;
    private final Timers timers;
    private final Admission admission;
    private final CryptoPool crypto;
    private final RefusalLog refusals = new RefusalLog(System::nanoTime);
    private final Set<Socket> handshaking = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile boolean open;
    /** Who takes connections that JOIN a relay circuit; null: this peer is no relay, a JOIN is GARBAGE. */
    private volatile Joins joins;

    public Listener(Identity identity, ConnectionSettings settings, ConnectionObserver observer, SecureRandom random,
            ConnectionSlots connectionSlots, PeerStanding standing, Sessions sessions, Timers timers) {
        this.standing = standing;
        this.timers = timers;
        this.identity = identity;
        this.settings = settings;
        this.observer = observer;
        this.random = random;
        this.connectionSlots = connectionSlots;
        this.sessions = sessions;
        this.admission = new Admission(settings.maxHandshakes(), settings.maxHandshakesPerAddress());
        this.crypto = new CryptoPool(settings.cryptoThreads(), settings.cryptoQueue());
    }

    public void start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(settings.listenHost()), settings.listenPort()), BACKLOG);
        server = s;
        open = true;
        Thread.ofPlatform().name("peer-listener").daemon().start(this::acceptLoop);
    }

    /** From now on a JOIN instead of CLIENT_HELLO hands the connection to {@code relay} (this peer relays). */
    public void acceptJoins(Joins relay) {
        this.joins = relay;
    }

    /**
     * Runs the inbound path (server side of the handshake, a connection slot, the hand-over to
     * {@link Sessions}) over {@code socket}, a connection this peer opened to relay {@code relayId}
     * and joined to a circuit: the peer at the far end is the client. The handshake budget does not
     * apply (this peer opened the connection; the relay limits circuits per reserved peer); unknown
     * identities count against the relay's address, like those connecting from one address. Runs
     * on the caller's thread; owns the socket from now on.
     */
    public void serveRelayed(Socket socket, String relayId) {
        InetAddress source = socket.getInetAddress();
        try (PendingConnection pending = new PendingConnection(socket, handshaking, null)) {
            if (!open || !connectionSlots.roomForContact()) {
                return;
            }
            Handshaken done = handshake(socket, source, null);
            if (done != null && done.session() != null) {
                attach(done, pending, source, relayId);
            }
        }
    }

    public boolean isListening() {
        ServerSocket s = server;
        return open && s != null && s.isBound() && !s.isClosed();
    }

    public int port() {
        ServerSocket s = server;
        return s == null ? settings.listenPort() : s.getLocalPort();
    }

    /** Inbound handshakes in progress (tests, health). */
    public int handshakesInProgress() {
        return admission.inProgress();
    }

    /** The pool for the handshakes' crypto steps (tests). */
    public CryptoPool crypto() {
        return crypto;
    }

    /** Releases the port and ends every handshake still running. */
    @Override
    public void close() {
        open = false;
        ServerSocket s = server;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                log.debug("Closing the listener failed", e);
            }
        }
        handshaking.forEach(Sessions::closeQuietly);
        crypto.close();
    }

    private void acceptLoop() {
        while (open) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (open) {
                    log.warn("Accepting a peer connection failed: {}", Sessions.describe(e));
                    continue;
                }
                return;
            }
            InetAddress source = socket.getInetAddress();
            Admission.Decision admitted = admit(source);
            if (admitted == null) {
                Sessions.closeQuietly(socket);
                continue;
            }
            try {
                Thread.ofVirtual().name("peer-accept").start(() -> serve(socket, source, admitted));
            } catch (RuntimeException e) {
                // no thread for it: refuse this one, keep accepting
                Sessions.closeQuietly(socket);
                admitted.slot().close();
                log.error("No thread for the handshake of a connection from {}", source.getHostAddress(), e);
            }
        }
    }

    /** A handshake slot for a new connection, or null when it is refused (counted and maybe logged). */
    private Admission.Decision admit(InetAddress source) {
        InboundRefusal refusal;
        if (!connectionSlots.roomForContact()) {
            // no room for another established connection, not even for a contact: not worth a handshake
            refusal = InboundRefusal.CAPACITY;
        } else if (crypto.full()) {
            refusal = InboundRefusal.CRYPTO_BUSY;
        } else {
            Admission.Decision decision = admission.admit(source, System.nanoTime());
            if (decision.admitted()) {
                return decision;
            }
            refusal = decision.refusal();
        }
        refused(source, refusal);
        return null;
    }

    private void refused(InetAddress source, InboundRefusal refusal) {
        observer.handshakeFailed(Direction.INBOUND, refusal.tag());
        logOnce(source, refusal.tag(), Level.INFO, "Refused a connection from {}: {}{}", source.getHostAddress(),
                detail(refusal));
    }

    /** What a refusal means, with the limit's value and setting. */
    private String detail(InboundRefusal refusal) {
        return switch (refusal) {
            case CAPACITY -> "already " + settings.maxConnections() + " connections (max-connections)";
            case UNKNOWN_TOTAL -> "unknown identities already hold " + settings.maxUnknownConnections() + " of "
                    + settings.maxConnections() + " connections (reserved-connections-percent)";
            case UNKNOWN_PER_ADDRESS -> "already " + settings.maxUnknownConnectionsPerAddress()
                    + " unknown identities connected from this address (max-unknown-connections-per-address)";
            case MAX_HANDSHAKES -> "already " + settings.maxHandshakes() + " handshakes in progress (max-handshakes)";
            case MAX_HANDSHAKES_PER_ADDRESS -> "already " + settings.maxHandshakesPerAddress()
                    + " handshakes in progress from this address (max-handshakes-per-address)";
            case RATE_LIMITED -> "more than " + SourceRateLimiter.PER_SECOND
                    + " handshakes a second from this address (rate-limited)";
            case CRYPTO_BUSY -> "the handshake crypto pool is full (crypto-busy)";
        };
    }

    /**
     * One admitted connection, on its own virtual thread: the handshake under the handshake slot,
     * then a connection slot and the hand-over to {@link Sessions}. The pending connection owns the
     * socket (and the connection slot once taken) until the hand-over, and releases them, once,
     * whatever happened before.
     */
    private void serve(Socket socket, InetAddress source, Admission.Decision admitted) {
        try (PendingConnection pending = new PendingConnection(socket, handshaking, null)) {
            Handshaken done;
            try (Slot handshakeSlot = admitted.slot()) {
                done = handshake(socket, source, admitted);
            }
            // the handshake slot is back: what follows is an authenticated peer's
            if (done != null && done.join() != null) {
                Joins relay = joins;
                // the relay owns the socket from here (it closes it, once)
                pending.establish();
                relay.join(done.join(), socket, done.in(), done.out());
            } else if (done != null) {
                attach(done, pending, source, null);
            }
        }
    }

    /**
     * A completed inbound handshake: the session and the streams it ran over; or, on a relay, a
     * client that sent a JOIN ({@code join} its body, {@code session} null).
     */
    private record Handshaken(Session session, InputStream in, OutputStream out, byte[] join) {
    }

    /**
     * Runs the server side of the handshake; null when it failed (counted and logged here; the
     * caller's pending connection closes the socket).
     */
    private Handshaken handshake(Socket socket, InetAddress source, Admission.Decision admitted) {
        String from = String.valueOf(socket.getRemoteSocketAddress());
        long start = System.nanoTime();
        try {
            socket.setTcpNoDelay(true);
            InputStream in = ConnectionStreams.input(socket, observer);
            OutputStream out = ConnectionStreams.output(socket, observer);
            Session session;
            try {
                session = HandshakeDriver.server(socket, in, out, identity, random, settings.handshakeTimeout(),
                        settings.handshakeIdleTimeout(), crypto, timers.handshakeDeadlines(),
                        () -> admitted == null || admission.mayDecrypt(admitted, System.nanoTime()),
                        settings.maxProtocolVersion(), admitted != null && joins != null);
            } catch (HandshakeDriver.JoinRequestedException join) {
                return new Handshaken(null, in, out, join.join());
            }
            observer.handshakeSucceeded(Direction.INBOUND, System.nanoTime() - start);
            return new Handshaken(session, in, out, null);
        } catch (ProtocolException e) {
            observer.handshakeFailed(Direction.INBOUND, e.reason().tag());
            if (e.reason() == ProtocolException.Reason.CONNECTION_CLOSED) {
                // a client may hang up after our hello: it already has a connection, or wanted another peer
                logOnce(source, e.reason().tag(), Level.INFO, "Inbound handshake from {} ended: {}{}", from,
                        e.getMessage());
            } else {
                logOnce(source, e.reason().tag(), Level.WARN, "Inbound handshake from {} failed: {}{}", from,
                        e.toString());
            }
        } catch (HandshakeDriver.DecryptionDeclinedException e) {
            // its source has no token left for the decryption this CLIENT_HELLO asks for
            refused(source, InboundRefusal.RATE_LIMITED);
        } catch (IOException e) {
            observer.handshakeFailed(Direction.INBOUND, "io");
            if (open) {
                logOnce(source, "io", Level.INFO, "Inbound handshake from {} aborted: {}{}", from,
                        Sessions.describe(e));
            }
        } catch (RejectedExecutionException e) {
            // the crypto pool filled up during this handshake: refused rather than queued
            if (open) {
                refused(source, InboundRefusal.CRYPTO_BUSY);
            }
        } catch (RuntimeException e) {
            observer.handshakeFailed(Direction.INBOUND, "internal");
            log.error("Inbound handshake from {} failed unexpectedly", from, e);
        }
        return null;
    }

    /**
     * Takes a connection slot for an authenticated peer and hands the connection to {@link Sessions}:
     * a contact takes any free slot, or the one of an unknown identity let go for it; an unknown
     * identity takes one within the unknowns' part and its address's cap. Without one the peer gets
     * CLOSE TOO_MANY_CONNECTIONS.
     */
    private void attach(Handshaken done, PendingConnection pending, InetAddress source, String relayId) {
        String from = String.valueOf(pending.socket().getRemoteSocketAddress());
        Session session = done.session();
        String peerId = session.peer().peerId();
        boolean contact;
        try {
            contact = standing.isContact(peerId);
        } catch (RuntimeException e) {
            log.error("Could not tell whether {} is a contact: refused", peerId, e);
            sessions.refuse(pending, done.in(), done.out(), session, Direction.INBOUND, CloseCode.GOING_AWAY);
            return;
        }
        InboundRefusal refusal;
        if (contact) {
            Slot slot = connectionSlots.forContact();
            refusal = slot == null ? InboundRefusal.CAPACITY : null;
            if (slot != null) {
                pending.hold(slot);
            }
        } else {
            ConnectionSlots.Outcome outcome = connectionSlots.forUnknown(SourceAddress.of(source));
            refusal = outcome.refusal();
            if (outcome.slot() != null) {
                pending.hold(outcome.slot());
            }
        }
        if (refusal != null) {
            // counted before the CLOSE goes out: whoever hears it can already see the count
            observer.handshakeFailed(Direction.INBOUND, refusal.tag());
            sessions.refuse(pending, done.in(), done.out(), session, Direction.INBOUND,
                    CloseCode.TOO_MANY_CONNECTIONS);
            logOnce(source, refusal.tag(), Level.INFO, "Refused {} from {} after its handshake: " + detail(refusal)
                    + (contact ? "" : " (not a contact)") + "{}", peerId, from);
            return;
        }
        try {
            sessions.register(pending, done.in(), done.out(), session, Direction.INBOUND, null, relayId);
        } catch (IOException | RuntimeException e) {
            log.info("Connection from {} ({}) lost right after its handshake: {}", peerId, from,
                    e instanceof IOException io ? Sessions.describe(io) : e.toString());
        }
    }

    /**
     * Logs {@code format} (its last placeholder gets what {@link RefusalLog} appends) unless this
     * source already had its line this minute; then only at DEBUG.
     */
    private void logOnce(InetAddress source, String reason, Level level, String format, Object first, Object second) {
        String more = refusals.admit(source, reason);
        if (more != null) {
            log.atLevel(level).log(format, first, second, more);
        } else if (log.isDebugEnabled()) {
            log.debug(format, first, second, " (not logged above DEBUG: this address had its line this minute)");
        }
    }
}
