package io.peerlink.transport;

import io.peerlink.handshake.HandshakeDriver;
import io.peerlink.handshake.Session;
import io.peerlink.identity.Fingerprints;
import io.peerlink.identity.Identity;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.ProtocolException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials one address: TCP connect, the client side of the handshake, then hands the session to
 * the {@link Sessions} that owns connections. Outbound dials take a slot of the established
 * connections' budget ({@link ConnectionSlots}, as a contact would: a free one before dialling, or,
 * when none is free, the one of the unknown identity let go for it once the handshake succeeded),
 * never one of the inbound handshakes' budget.
 *
 * <p>Thread-safe: each {@link #dial} runs on its caller's thread.
 */
public final class Dialer {

    private static final Logger log = LoggerFactory.getLogger(Dialer.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** The outcome of a dial: the peer, and whether this dial created its connection. */
    /**
     * Which identity answered at each address before (trust on first use), kept by the owner of
     * the connections (over the store): the dialler only asks and reports.
     */
    public interface AddressBook {
        /** The identity bound to {@code address} ({@code host:port}), if one answered there before. */
        java.util.Optional<String> identityAt(String address);

        /** Another identity answered at an address bound to {@code peerId}: true the first time. */
        boolean keyChanged(String peerId);
    }

    public record Dialled(String peerId, boolean created) {
    }

    /**
     * Circuits through relays (docs/PROTOCOL.md section 12), for a peer that the direct address
     * does not reach.
     */
    public interface Circuits {
        /** The relays to try for {@code peerId}, in order. */
        java.util.List<DialTarget> relaysFor(String peerId);

        /**
         * Connects {@code socket} to {@code relay} and joins it to a new circuit to {@code peerId}: what
         * the socket carries next comes from that peer, and this peer's handshake as the client
         * runs over it. Throws PeerConnectionException when the relay refuses (with its reason).
         */
        void open(Socket socket, DialTarget relay, String peerId) throws IOException;
    }

    /** The direct address's time-out when relays can be tried after it. */
    static final Duration DIRECT_TIMEOUT_BEFORE_RELAYS = Duration.ofSeconds(2);

    private final Identity identity;
    private final ConnectionSettings settings;
    private final ConnectionObserver observer;
    private final SecureRandom random;
    private final ConnectionSlots connectionSlots;
    private final PeerDirectory directory;
    private final Sessions sessions;
    private final AddressBook addresses;
    private final Timers timers;
    private final Set<Socket> handshaking = ConcurrentHashMap.newKeySet();
    private final Set<String> mismatchesSeen = ConcurrentHashMap.newKeySet();
    private volatile Circuits circuits;

    /** Why the dialler refused the server right after its hello. */
    private enum Refusal { SELF, NOT_THE_PIN, KEY_CHANGED, ALREADY_CONNECTED }

    public Dialer(Identity identity, ConnectionSettings settings, ConnectionObserver observer, SecureRandom random,
            ConnectionSlots connectionSlots, PeerDirectory directory, Sessions sessions, AddressBook addresses,
            Timers timers) {
        this.timers = timers;
        this.identity = identity;
        this.settings = settings;
        this.observer = observer;
        this.random = random;
        this.connectionSlots = connectionSlots;
        this.directory = directory;
        this.sessions = sessions;
        this.addresses = addresses;
    }

    /**
     * Dials the target. Right after the server's hello, before this peer reveals its own identity,
     * the server is refused when it is this peer itself, when the target is pinned to another
     * identity, or (trust on first use) when another identity answered at this address before and
     * the target carries no pin: the key changed, or someone sits in between. A server already
     * connected is not handshaken twice: the existing connection is given back.
     */
    public Dialled dial(DialTarget target) {
        Circuits through = circuits;
        // a re-dial target carries no pin: the identity bound to its address is the one to reach
        String peerId = target.pin() != null ? target.pin() : addresses.identityAt(target.address()).orElse(null);
        java.util.List<DialTarget> relays = through == null || peerId == null ? java.util.List.of()
                : through.relaysFor(peerId);
        if (relays.isEmpty()) {
            return dial(target, null, true, socket -> connectSocket(socket, target.host(), target.port(),
                    CONNECT_TIMEOUT));
        }
        // the direct address first, briefly; then each relay: the next dial prefers a direct route again
        PeerConnectionException last;
        try {
            return dial(target, null, true, socket -> connectSocket(socket, target.host(), target.port(),
                    DIRECT_TIMEOUT_BEFORE_RELAYS));
        } catch (PeerConnectionException e) {
            if (e.kind() != PeerConnectionException.Kind.UNREACHABLE) {
                throw e;
            }
            last = e;
        }
        return dialThroughRelays(target, peerId, relays, last);
    }

    /** Dials {@code peerId} through its relays only (an invite without a direct address). */
    public Dialled dialThroughRelays(String peerId) {
        Circuits through = circuits;
        java.util.List<DialTarget> relays = through == null ? java.util.List.of() : through.relaysFor(peerId);
        if (relays.isEmpty()) {
            throw new PeerConnectionException(PeerConnectionException.Kind.UNREACHABLE,
                    "no relay is known for " + peerId);
        }
        // the first relay's address stands for the peer's: it is where the circuit starts
        DialTarget first = relays.getFirst();
        return dialThroughRelays(new DialTarget(first.host(), first.port(), peerId), peerId, relays,
                new PeerConnectionException(PeerConnectionException.Kind.UNREACHABLE, "no direct address"), false);
    }

    private Dialled dialThroughRelays(DialTarget target, String peerId, java.util.List<DialTarget> relays,
            PeerConnectionException directFailure) {
        return dialThroughRelays(target, peerId, relays, directFailure, true);
    }

    /** {@code direct}: the target is the peer's own address (recorded), not a stand-in for it. */
    private Dialled dialThroughRelays(DialTarget target, String peerId, java.util.List<DialTarget> relays,
            PeerConnectionException directFailure, boolean direct) {
        Circuits through = circuits;
        PeerConnectionException last = directFailure;
        for (DialTarget relay : relays) {
            try {
                return dial(target, relay.pin(), direct, socket -> {
                    try {
                        through.open(socket, relay, peerId);
                    } catch (IOException e) {
                        observer.handshakeFailed(Direction.OUTBOUND, "unreachable");
                        throw new PeerConnectionException(PeerConnectionException.Kind.UNREACHABLE,
                                "cannot reach " + peerId + " through relay " + relay.address() + ": "
                                        + Sessions.describe(e));
                    }
                });
            } catch (PeerConnectionException e) {
                if (e.kind() != PeerConnectionException.Kind.UNREACHABLE
                        && e.kind() != PeerConnectionException.Kind.HANDSHAKE_FAILED) {
                    throw e;
                }
                last = new PeerConnectionException(e.kind(), last.getMessage() + "; " + e.getMessage());
            }
        }
        throw last;
    }

    /** From now on a dial that the direct address does not reach tries {@code relays}' circuits. */
    public void useCircuits(Circuits relays) {
        this.circuits = relays;
    }

    /** How a dial's socket gets to the peer: a TCP connect, or a relay's circuit. */
    private interface Connect {
        void connect(Socket socket);
    }

    /**
     * One dial over the socket {@code connect} sets up; {@code relayId} names the relay, null: direct;
     * {@code addressed}: the target's address is the peer's own (recorded for it).
     */
    private Dialled dial(DialTarget target, String relayId, boolean addressed, Connect connect) {
        String host = target.host();
        int port = target.port();
        String address = target.address();
        // the address recorded for the peer (re-dials, trust on first use): none when it only stands in
        String dialAddress = addressed ? address : null;
        String pin = target.pin();
        String bound = pin == null ? addresses.identityAt(address).orElse(null) : null;
        String expectedPeerId = pin != null ? pin : bound;
        if (expectedPeerId != null && directory.isConnected(expectedPeerId)) {
            return new Dialled(expectedPeerId, false);
        }
        // a free slot now; when none is free but an unknown identity holds one, that one after the handshake
        Slot slot = connectionSlots.tryFree();
        if (slot == null && !connectionSlots.roomForContact()) {
            throw capacity();
        }
        // from here the pending connection owns the socket and the slot, until the hand-over
        try (PendingConnection pending = new PendingConnection(new Socket(), handshaking, slot)) {
            Socket socket = pending.socket();
            connect.connect(socket);
            long handshakeStart = System.nanoTime();
            var in = ConnectionStreams.input(socket, observer);
            var out = ConnectionStreams.output(socket, observer);
            AtomicReference<Refusal> refusal = new AtomicReference<>();
            Session session;
            try {
                session = HandshakeDriver.client(socket, in, out, identity, random, settings.handshakeTimeout(),
                        server -> {
                            String id = server.peerId();
                            if (id.equals(identity.peerId())) {
                                refusal.set(Refusal.SELF);
                            } else if (pin != null && !pin.equals(id)) {
                                refusal.set(Refusal.NOT_THE_PIN);
                            } else if (bound != null && !bound.equals(id)) {
                                refusal.set(Refusal.KEY_CHANGED);
                            } else if (directory.isConnected(id)) {
                                refusal.set(Refusal.ALREADY_CONNECTED);
                            }
                            return refusal.get() == null;
                        }, timers.handshakeDeadlines(), settings.maxProtocolVersion());
            } catch (HandshakeDriver.UnexpectedPeerException e) {
                String actual = e.actual().peerId();
                switch (refusal.get()) {
                    case ALREADY_CONNECTED -> {
                        return new Dialled(actual, false);
                    }
                    case SELF -> {
                        observer.handshakeFailed(Direction.OUTBOUND, "self");
                        log.info("Refused to connect to {}: that is this peer", address);
                        throw new PeerConnectionException(PeerConnectionException.Kind.SELF,
                                address + " answers with this peer's own identity: that is this peer");
                    }
                    case KEY_CHANGED -> throw keyChanged(address, bound, actual);
                    case NOT_THE_PIN -> {
                        observer.handshakeFailed(Direction.OUTBOUND, "fingerprint-mismatch");
                        // said once at WARN per address and identity: a pinned entry keeps re-dialling
                        boolean first = mismatchesSeen.add(address + "/" + actual);
                        String text = "Handshake with {} refused: the server is {}, not the expected {} (a new key, "
                                + "the wrong address, or a man in the middle)";
                        if (first) {
                            log.warn(text, address, actual, pin);
                        } else {
                            log.info(text, address, actual, pin);
                        }
                        throw new PeerConnectionException(PeerConnectionException.Kind.FINGERPRINT_MISMATCH,
                                "the peer at " + address + " has fingerprint " + Fingerprints.fingerprint(actual)
                                        + ", not the expected " + Fingerprints.fingerprint(pin));
                    }
                }
                throw new IllegalStateException("unexpected refusal " + refusal.get());
            } catch (ProtocolException e) {
                requireNotStopping();
                observer.handshakeFailed(Direction.OUTBOUND, e.reason().tag());
                if (e.reason() == ProtocolException.Reason.CONNECTION_CLOSED) {
                    log.info("Handshake with {}:{} ended: {}", host, port, e.getMessage());
                } else {
                    log.warn("Handshake with {}:{} failed: {}", host, port, e.toString());
                }
                throw new PeerConnectionException(PeerConnectionException.Kind.HANDSHAKE_FAILED,
                        "handshake with " + host + ":" + port + " failed: " + e.getMessage());
            } catch (IOException e) {
                requireNotStopping();
                observer.handshakeFailed(Direction.OUTBOUND, "io");
                throw new PeerConnectionException(PeerConnectionException.Kind.HANDSHAKE_FAILED,
                        "handshake with " + host + ":" + port + " failed: connection lost (" + Sessions.describe(e)
                                + ")");
            }
            observer.handshakeSucceeded(Direction.OUTBOUND, System.nanoTime() - handshakeStart);
            if (pending.slot() == null) {
                // only now that the dial worked is an unknown identity let go for it
                Slot taken = connectionSlots.forContact();
                if (taken == null) {
                    sessions.refuse(pending, in, out, session, Direction.OUTBOUND, CloseCode.TOO_MANY_CONNECTIONS);
                    throw capacity();
                }
                pending.hold(taken);
            }
            Sessions.Registered registered;
            try {
                registered = sessions.register(pending, in, out, session, Direction.OUTBOUND, dialAddress, relayId);
            } catch (IOException e) {
                throw new PeerConnectionException(PeerConnectionException.Kind.HANDSHAKE_FAILED, "the connection to "
                        + address + " was lost right after its handshake: " + Sessions.describe(e));
            }
            if (registered == Sessions.Registered.STOPPED) {
                throw stopping();
            }
            if (registered == Sessions.Registered.REFUSED) {
                throw new PeerConnectionException(PeerConnectionException.Kind.BLOCKED, "the peer at " + address
                        + " (" + session.peer().peerId() + ") is blocked here: lift the block first "
                        + "(DELETE /api/peers/{peerId}/block)");
            }
            return new Dialled(session.peer().peerId(), registered == Sessions.Registered.ATTACHED);
        } catch (IOException e) {
            throw new PeerConnectionException(PeerConnectionException.Kind.UNREACHABLE,
                    "cannot reach " + host + ":" + port + ": " + Sessions.describe(e));
        }
    }

    /**
     * Another identity answered at an address bound to {@code was}: refused, recorded ({@code was}
     * becomes CHANGED, a {@code key-changed} event), and said once at WARN.
     */
    private PeerConnectionException keyChanged(String address, String was, String now) {
        observer.handshakeFailed(Direction.OUTBOUND, "key-changed");
        boolean first = addresses.keyChanged(was);
        String detail = "the peer at " + address + " changed its key: it was " + Fingerprints.fingerprint(was)
                + ", now " + Fingerprints.fingerprint(now) + " answers. If the change is expected, connect "
                + "again with that expectedFingerprint, or forget the old peer";
        if (first) {
            log.warn("The peer at {} changed its key: it was {}, now {} answers (refused before this peer revealed "
                    + "itself; a new identity, or someone in between)", address, was, now);
        } else {
            log.info("The peer at {} still answers with another key ({}, not {}): refused", address, now, was);
        }
        return new PeerConnectionException(PeerConnectionException.Kind.KEY_CHANGED, detail);
    }

    /** A handshake that failed because stop() closed its socket fails as STOPPED, not as an attack. */
    private void requireNotStopping() {
        if (sessions.isClosed()) {
            throw stopping();
        }
    }

    private PeerConnectionException capacity() {
        return new PeerConnectionException(PeerConnectionException.Kind.CAPACITY,
                "already " + settings.maxConnections() + " connections open (max-connections)");
    }

    private static PeerConnectionException stopping() {
        return new PeerConnectionException(PeerConnectionException.Kind.STOPPED, "the peer service is stopping");
    }

    /** Closes every socket still in its handshake (on stop): those dials fail. */
    public void abortHandshakes() {
        handshaking.forEach(Sessions::closeQuietly);
    }

    private void connectSocket(Socket socket, String host, int port, Duration timeout) {
        try {
            socket.setTcpNoDelay(true);
            InetSocketAddress remote = new InetSocketAddress(host, port);
            bindToListenAddress(socket, remote);
            socket.connect(remote, (int) timeout.toMillis());
        } catch (IOException e) {
            observer.handshakeFailed(Direction.OUTBOUND, "unreachable");
            throw new PeerConnectionException(PeerConnectionException.Kind.UNREACHABLE,
                    "cannot reach " + host + ":" + port + ": " + Sessions.describe(e));
        }
    }

    /**
     * Dials from the address the peer listens on, when that is a specific one: the other side then
     * sees the same address this peer is known by (127.0.0.3 rather than 127.0.0.1 on loopback).
     */
    private void bindToListenAddress(Socket socket, InetSocketAddress remote) throws IOException {
        InetAddress local = InetAddress.getByName(settings.listenHost());
        if (!local.isAnyLocalAddress() && !remote.isUnresolved()
                && local.isLoopbackAddress() == remote.getAddress().isLoopbackAddress()) {
            socket.bind(new InetSocketAddress(local, 0));
        }
    }
}
