package io.peerlink.connection;

import io.peerlink.handshake.HandshakeDriver;
import io.peerlink.handshake.Session;
import io.peerlink.identity.Fingerprints;
import io.peerlink.identity.Identity;
import io.peerlink.wire.ProtocolException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials one address: TCP connect, the client side of the handshake, then hands the session to
 * the {@link Sessions} that owns connections. Outbound dials take a slot of the established
 * connections' budget, never one of the inbound handshakes' budget.
 *
 * <p>Thread-safe: each {@link #dial} runs on its caller's thread.
 */
final class Dialer {

    private static final Logger log = LoggerFactory.getLogger(Dialer.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** The outcome of a dial: the peer, and whether this dial created its connection. */
    record Dialled(String peerId, boolean created) {
    }

    private final Identity identity;
    private final ConnectionSettings settings;
    private final ConnectionObserver observer;
    private final SecureRandom random;
    private final Semaphore connectionSlots;
    private final PeerDirectory directory;
    private final Sessions sessions;
    private final Set<Socket> handshaking = ConcurrentHashMap.newKeySet();

    Dialer(Identity identity, ConnectionSettings settings, ConnectionObserver observer, SecureRandom random,
            Semaphore connectionSlots, PeerDirectory directory, Sessions sessions) {
        this.identity = identity;
        this.settings = settings;
        this.observer = observer;
        this.random = random;
        this.connectionSlots = connectionSlots;
        this.directory = directory;
        this.sessions = sessions;
    }

    /**
     * Dials {@code host:port}. With {@code expectedPeerId}, a server with any other identity is refused
     * right after its hello, before this peer reveals its own; a server already connected is not
     * handshaken twice (the existing connection is given back).
     */
    Dialled dial(String host, int port, String expectedPeerId) {
        if (expectedPeerId != null && directory.isConnected(expectedPeerId)) {
            return new Dialled(expectedPeerId, false);
        }
        Slot slot = Slot.tryAcquire(connectionSlots);
        if (slot == null) {
            throw new PeerConnectionException(PeerConnectionException.Kind.CAPACITY,
                    "already " + settings.maxConnections() + " connections open (max-connections)");
        }
        Socket socket = new Socket();
        handshaking.add(socket);
        boolean handedOver = false;
        try {
            connectSocket(socket, host, port);
            var in = Sessions.input(socket, observer);
            var out = Sessions.output(socket, observer);
            AtomicReference<String> alreadyConnected = new AtomicReference<>();
            Session session;
            try {
                session = HandshakeDriver.client(socket, in, out, identity, random, settings.handshakeTimeout(),
                        server -> {
                            if (expectedPeerId != null && !expectedPeerId.equals(server.peerId())) {
                                return false;
                            }
                            if (directory.isConnected(server.peerId())) {
                                alreadyConnected.set(server.peerId());
                                return false;
                            }
                            return true;
                        });
            } catch (HandshakeDriver.UnexpectedPeerException e) {
                if (alreadyConnected.get() != null) {
                    return new Dialled(alreadyConnected.get(), false);
                }
                observer.handshakeFailed(Direction.OUTBOUND, "fingerprint-mismatch");
                log.warn("Handshake with {}:{} refused: the server is {}, not the expected {} (a new key, the wrong "
                        + "address, or a man in the middle)", host, port, e.actual().peerId(), expectedPeerId);
                throw new PeerConnectionException(PeerConnectionException.Kind.FINGERPRINT_MISMATCH,
                        "the peer at " + host + ":" + port + " has fingerprint "
                                + Fingerprints.fingerprint(e.actual().peerId()) + ", not the expected "
                                + Fingerprints.fingerprint(expectedPeerId));
            } catch (ProtocolException e) {
                observer.handshakeFailed(Direction.OUTBOUND, e.reason().tag());
                if (e.reason() == ProtocolException.Reason.CONNECTION_CLOSED) {
                    log.info("Handshake with {}:{} ended: {}", host, port, e.getMessage());
                } else {
                    log.warn("Handshake with {}:{} failed: {}", host, port, e.toString());
                }
                throw new PeerConnectionException(PeerConnectionException.Kind.HANDSHAKE_FAILED,
                        "handshake with " + host + ":" + port + " failed: " + e.getMessage());
            } catch (IOException e) {
                observer.handshakeFailed(Direction.OUTBOUND, "io");
                throw new PeerConnectionException(PeerConnectionException.Kind.HANDSHAKE_FAILED,
                        "handshake with " + host + ":" + port + " failed: connection lost (" + Sessions.describe(e)
                                + ")");
            }
            observer.handshakeSucceeded(Direction.OUTBOUND);
            handshaking.remove(socket);
            handedOver = true;
            // from here the connection owns the socket and the slot
            Sessions.Registered registered = sessions.register(socket, in, out, session, Direction.OUTBOUND, slot,
                    host + ":" + port);
            return new Dialled(session.peer().peerId(), registered == Sessions.Registered.ATTACHED);
        } catch (IOException e) {
            throw new PeerConnectionException(PeerConnectionException.Kind.UNREACHABLE,
                    "cannot reach " + host + ":" + port + ": " + Sessions.describe(e));
        } finally {
            if (!handedOver) {
                handshaking.remove(socket);
                Sessions.closeQuietly(socket);
                slot.close();
            }
        }
    }

    /** Closes every socket still in its handshake (on stop): those dials fail. */
    void abortHandshakes() {
        handshaking.forEach(Sessions::closeQuietly);
    }

    private void connectSocket(Socket socket, String host, int port) {
        try {
            socket.setTcpNoDelay(true);
            InetSocketAddress remote = new InetSocketAddress(host, port);
            bindToListenAddress(socket, remote);
            socket.connect(remote, (int) CONNECT_TIMEOUT.toMillis());
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
