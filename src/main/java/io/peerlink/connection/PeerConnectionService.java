package io.peerlink.connection;

import io.peerlink.handshake.HandshakeDriver;
import io.peerlink.handshake.Session;
import io.peerlink.identity.Fingerprints;
import io.peerlink.identity.Identity;
import io.peerlink.identity.PeerKey;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.Frame;
import io.peerlink.wire.ProtocolException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the peer port and every connection: listens, dials, runs the handshake, and keeps one
 * authenticated connection per peer. Messages not yet acknowledged by the peer are kept per peer
 * and sent again, in order, on the next connection to it; the receiver drops copies by id.
 */
public final class PeerConnectionService {

    /** Unacknowledged messages kept per peer before {@link #send} refuses more. */
    public static final int OUTBOX_CAPACITY = 10_000;

    private static final Logger log = LoggerFactory.getLogger(PeerConnectionService.class);
    private static final int STREAM_BUFFER = 64 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final Identity identity;
    private final ConnectionSettings settings;
    private final Inbox inbox;
    private final ConnectionObserver observer;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, PeerRecord> peers = new ConcurrentHashMap<>();
    private final List<Thread> dialers = new CopyOnWriteArrayList<>();
    private final Semaphore slots;
    private final java.util.Set<Socket> handshaking = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private volatile boolean running;

    public PeerConnectionService(Identity identity, ConnectionSettings settings, Inbox inbox,
            ConnectionObserver observer, Clock clock) {
        this.identity = identity;
        this.settings = settings;
        this.inbox = inbox;
        this.observer = observer;
        this.clock = clock;
        this.slots = new Semaphore(settings.maxConnections());
    }

    // ------------------------------------------------------------------ lifecycle

    /** Binds the peer port, starts accepting, and starts dialling the configured peers. */
    public synchronized void start() throws IOException {
        if (running) {
            return;
        }
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(settings.listenHost()), settings.listenPort()), 128);
        listener = server;
        running = true;
        Thread.ofPlatform().name("peer-listener").daemon().start(this::acceptLoop);
        for (InetSocketAddress target : settings.connect()) {
            dialers.add(Thread.ofVirtual().name("peer-dialer-" + describe(target)).start(() -> dialLoop(target)));
        }
        log.info("Listening for peers on {}:{} as {}", settings.listenHost(), server.getLocalPort(), identity.peerId());
    }

    /** Says goodbye on every connection, ends every thread and releases the port. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        dialers.forEach(Thread::interrupt);
        dialers.clear();
        try {
            listener.close();
        } catch (IOException e) {
            log.debug("Closing the listener failed", e);
        }
        handshaking.forEach(PeerConnectionService::closeQuietly);
        List<PeerConnection> open = new ArrayList<>();
        for (PeerRecord rec : peers.values()) {
            PeerConnection c = rec.connection;
            if (c != null) {
                c.close(CloseCode.GOING_AWAY, "peer shutting down");
                open.add(c);
            }
        }
        for (PeerConnection c : open) {
            try {
                c.awaitTermination(Duration.ofSeconds(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        log.info("Stopped: {} connection(s) closed, peer port released", open.size());
    }

    public boolean isListening() {
        ServerSocket s = listener;
        return running && s != null && s.isBound() && !s.isClosed();
    }

    /** The bound peer port (useful when configured as 0). */
    public int listenPort() {
        ServerSocket s = listener;
        return s == null ? settings.listenPort() : s.getLocalPort();
    }

    public Identity identity() {
        return identity;
    }

    public Inbox inbox() {
        return inbox;
    }

    public int connectedCount() {
        return (int) peers.values().stream().filter(PeerRecord::connected).count();
    }

    // ------------------------------------------------------------------ peers

    /**
     * Dials {@code host:port} and runs the handshake, or gives back the existing connection when the
     * peer there is already connected. With {@code expectedFingerprint}, a server with any other
     * identity is refused right after its hello, before our identity is revealed to it.
     */
    public PeerView connect(String host, int port, String expectedFingerprint) {
        requireRunning();
        String expected = expectedFingerprint == null ? null : Fingerprints.normalise(expectedFingerprint);
        if (expected != null) {
            PeerRecord known = peers.get(expected);
            if (known != null && known.connected()) {
                return known.view();
            }
        }
        if (!slots.tryAcquire()) {
            throw new PeerConnectionException(PeerConnectionException.Kind.CAPACITY,
                    "already " + settings.maxConnections() + " connections open (max-connections)");
        }
        Socket socket = new Socket();
        boolean handedOver = false;
        String[] alreadyConnected = new String[1];
        handshaking.add(socket);
        try {
            try {
                socket.setTcpNoDelay(true);
                InetSocketAddress remote = new InetSocketAddress(host, port);
                bindToListenAddress(socket, remote);
                socket.connect(remote, (int) CONNECT_TIMEOUT.toMillis());
            } catch (IOException e) {
                observer.handshakeFailed(Direction.OUTBOUND, "unreachable");
                throw new PeerConnectionException(PeerConnectionException.Kind.UNREACHABLE,
                        "cannot reach " + host + ":" + port + ": " + describe(e));
            }
            InputStream in = input(socket);
            OutputStream out = output(socket);
            Session session;
            try {
                session = HandshakeDriver.client(socket, in, out, identity, random, settings.handshakeTimeout(),
                        server -> {
                            if (expected != null && !expected.equals(server.peerId())) {
                                return false;
                            }
                            PeerRecord rec = peers.get(server.peerId());
                            if (rec != null && rec.connected()) {
                                alreadyConnected[0] = server.peerId();
                                return false;
                            }
                            return true;
                        });
            } catch (HandshakeDriver.UnexpectedPeerException e) {
                if (alreadyConnected[0] != null) {
                    return peers.get(alreadyConnected[0]).view();
                }
                observer.handshakeFailed(Direction.OUTBOUND, "fingerprint-mismatch");
                log.warn("Handshake with {}:{} refused: the server is {}, not the expected {} (a new key, the wrong "
                        + "address, or a man in the middle)", host, port, e.actual().peerId(), expected);
                throw new PeerConnectionException(PeerConnectionException.Kind.FINGERPRINT_MISMATCH,
                        "the peer at " + host + ":" + port + " has fingerprint "
                                + Fingerprints.fingerprint(e.actual().peerId()) + ", not the expected "
                                + Fingerprints.fingerprint(expected));
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
                        "handshake with " + host + ":" + port + " failed: connection lost (" + describe(e) + ")");
            }
            observer.handshakeSucceeded(Direction.OUTBOUND);
            handedOver = true;
            return register(socket, in, out, session, Direction.OUTBOUND).view();
        } catch (IOException e) {
            throw new PeerConnectionException(PeerConnectionException.Kind.UNREACHABLE,
                    "cannot reach " + host + ":" + port + ": " + describe(e));
        } finally {
            handshaking.remove(socket);
            if (!handedOver) {
                closeQuietly(socket);
                slots.release();
            }
        }
    }

    public List<PeerView> peers() {
        return peers.values().stream()
                .map(PeerRecord::view)
                .sorted(Comparator.comparing(PeerView::connectedAt, Comparator.nullsLast(Comparator.naturalOrder())))
                .toList();
    }

    public Optional<PeerView> peer(String peerId) {
        return Optional.ofNullable(peers.get(Fingerprints.normalise(peerId))).map(PeerRecord::view);
    }

    /** Closes the connection to the peer and forgets it, queued messages included. */
    public boolean disconnect(String peerId) {
        PeerRecord rec = peers.remove(Fingerprints.normalise(peerId));
        if (rec == null) {
            return false;
        }
        PeerConnection c = rec.connection;
        if (c != null) {
            c.close(CloseCode.NORMAL, "disconnected by the user");
        }
        log.info("Disconnected from {}", rec.key.peerId());
        return true;
    }

    // ------------------------------------------------------------------ messages

    /**
     * Accepts a message for a peer. {@code to} may be null when exactly one peer is connected. The
     * message goes out at once on an open connection, or when the peer next connects.
     */
    public OutboundMessage send(String to, String text) {
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > settings.limits().maxMessageBytes()) {
            throw new PeerConnectionException(PeerConnectionException.Kind.TOO_LARGE, "text is " + bytes
                    + " bytes of UTF-8, the limit is " + settings.limits().maxMessageBytes());
        }
        PeerRecord rec = recipient(to);
        Frame.Message message = new Frame.Message(UUID.randomUUID(), clock.millis(), text);
        boolean sent;
        synchronized (rec) {
            if (rec.unacked.size() >= OUTBOX_CAPACITY) {
                throw new PeerConnectionException(PeerConnectionException.Kind.CAPACITY, OUTBOX_CAPACITY
                        + " messages to " + rec.key.peerId() + " are not yet acknowledged; try again later");
            }
            rec.unacked.put(message.id(), message);
            PeerConnection c = rec.connection;
            sent = c != null && c.send(message);
        }
        return new OutboundMessage(message.id(), rec.key.peerId(),
                sent ? OutboundMessage.Status.SENT : OutboundMessage.Status.QUEUED,
                Instant.ofEpochMilli(message.sentAtMillis()));
    }

    /** Messages accepted for {@code peerId} and not yet acknowledged by it. */
    public int unacknowledged(String peerId) {
        PeerRecord rec = peers.get(peerId);
        if (rec == null) {
            return 0;
        }
        synchronized (rec) {
            return rec.unacked.size();
        }
    }

    private PeerRecord recipient(String to) {
        if (to == null || to.isBlank()) {
            List<PeerRecord> connected = peers.values().stream().filter(PeerRecord::connected).toList();
            if (connected.size() == 1) {
                return connected.getFirst();
            }
            throw new PeerConnectionException(PeerConnectionException.Kind.NO_RECIPIENT, connected.isEmpty()
                    ? "no peer is connected: connect one first (POST /api/peers)"
                    : connected.size() + " peers are connected: say which one with \"to\"");
        }
        PeerRecord rec = peers.get(Fingerprints.normalise(to));
        if (rec == null) {
            throw new PeerConnectionException(PeerConnectionException.Kind.UNKNOWN_PEER, "no peer " + to
                    + " is known: connect it first (POST /api/peers)");
        }
        return rec;
    }

    // ------------------------------------------------------------------ connections

    private void acceptLoop() {
        while (running) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (running) {
                    log.warn("Accepting a peer connection failed: {}", describe(e));
                    continue;
                }
                return;
            }
            if (!slots.tryAcquire()) {
                observer.handshakeFailed(Direction.INBOUND, "capacity");
                log.info("Refused a connection from {}: already {} connections (max-connections)",
                        socket.getRemoteSocketAddress(), settings.maxConnections());
                closeQuietly(socket);
                continue;
            }
            Thread.ofVirtual().name("peer-accept").start(() -> acceptOne(socket));
        }
    }

    private void acceptOne(Socket socket) {
        String from = String.valueOf(socket.getRemoteSocketAddress());
        boolean handedOver = false;
        handshaking.add(socket);
        try {
            socket.setTcpNoDelay(true);
            InputStream in = input(socket);
            OutputStream out = output(socket);
            Session session = HandshakeDriver.server(socket, in, out, identity, random, settings.handshakeTimeout());
            observer.handshakeSucceeded(Direction.INBOUND);
            handedOver = true;
            register(socket, in, out, session, Direction.INBOUND);
        } catch (ProtocolException e) {
            observer.handshakeFailed(Direction.INBOUND, e.reason().tag());
            if (e.reason() == ProtocolException.Reason.CONNECTION_CLOSED) {
                // a client may hang up after our hello: it already has a connection, or wanted another peer
                log.info("Inbound handshake from {} ended: {}", from, e.getMessage());
            } else {
                log.warn("Inbound handshake from {} failed: {}", from, e.toString());
            }
        } catch (IOException e) {
            observer.handshakeFailed(Direction.INBOUND, "io");
            log.info("Inbound handshake from {} aborted: {}", from, describe(e));
        } catch (RuntimeException e) {
            observer.handshakeFailed(Direction.INBOUND, "internal");
            log.error("Inbound handshake from {} failed unexpectedly", from, e);
        } finally {
            handshaking.remove(socket);
            if (!handedOver) {
                closeQuietly(socket);
                slots.release();
            }
        }
    }

    private PeerRecord register(Socket socket, InputStream in, OutputStream out, Session session, Direction direction)
            throws IOException {
        PeerKey key = session.peer();
        PeerRecord rec = peers.computeIfAbsent(key.peerId(), id -> new PeerRecord(key));
        PeerConnection fresh = new PeerConnection(socket, in, out, session, direction, clock.instant(),
                settings.limits(), settings.keepAliveInterval(), settings.idleTimeout(), handler, observer);
        // lock order: this, then the record; stop() holds this, so it sees every registered connection
        synchronized (this) {
            if (!running) {
                // stop() ran while this handshake was finishing: say goodbye, read nothing
                fresh.reject(CloseCode.GOING_AWAY);
                slots.release();
                return rec;
            }
            synchronized (rec) {
                PeerConnection existing = rec.connection;
                if (existing != null && existing.isOpen() && !freshWins(existing, fresh)) {
                    // the other side makes the same choice; anything it sent here is re-sent on the winner
                    fresh.reject(CloseCode.DUPLICATE);
                    slots.release();
                    log.info("Dropped a duplicate connection to {} ({})", key.peerId(), direction);
                    return rec;
                }
                if (existing != null) {
                    existing.close(CloseCode.DUPLICATE, "replaced by a newer connection to the same peer");
                }
                rec.connection = fresh;
                rec.lastAddress = fresh.remoteAddress();
                rec.lastDirection = direction;
                rec.lastConnectedAt = fresh.connectedAt();
                fresh.start();
                // messages not acknowledged on an earlier connection go first, in order
                rec.unacked.values().forEach(fresh::send);
            }
        }
        log.info("Connected to {} ({}, {})", key.peerId(), direction, fresh.remoteAddress());
        return rec;
    }

    /**
     * Both sides must keep the same one of two simultaneous connections: the one whose client has the
     * lower peerId wins; between two with the same client, the existing one stays.
     */
    private boolean freshWins(PeerConnection existing, PeerConnection fresh) {
        String own = identity.peerId();
        String winner = own.compareTo(fresh.peer().peerId()) < 0 ? own : fresh.peer().peerId();
        return fresh.clientPeerId(own).equals(winner) && !existing.clientPeerId(own).equals(winner);
    }

    private final PeerConnection.Handler handler = new PeerConnection.Handler() {
        @Override
        public void onMessage(PeerConnection connection, Frame.Message m) {
            inbox.append(connection.peer().peerId(), m.id(), Instant.ofEpochMilli(m.sentAtMillis()), m.text());
            // acknowledged whether stored now or before: the sender may re-send until it sees an ACK
            connection.send(new Frame.Ack(m.id()));
        }

        @Override
        public void onAck(PeerConnection connection, Frame.Ack ack) {
            PeerRecord rec = peers.get(connection.peer().peerId());
            if (rec != null) {
                synchronized (rec) {
                    rec.unacked.remove(ack.id());
                }
            }
        }

        @Override
        public void onClosed(PeerConnection connection, String reason) {
            slots.release();
            PeerRecord rec = peers.get(connection.peer().peerId());
            if (rec != null) {
                synchronized (rec) {
                    if (rec.connection == connection) {
                        rec.connection = null;
                    }
                }
            }
            log.info("Connection to {} closed: {}", connection.peer().peerId(), reason);
        }
    };

    // ------------------------------------------------------------------ start-up dialling

    private void dialLoop(InetSocketAddress target) {
        Duration delay = settings.reconnectMinDelay();
        while (running) {
            try {
                PeerView peer = connect(target.getHostString(), target.getPort(), null);
                delay = settings.reconnectMinDelay();
                while (running && isConnected(peer.peerId())) {
                    Thread.sleep(250);
                }
                if (!running) {
                    return;
                }
                log.info("Connection to {} ({}) dropped; dialling again", describe(target), peer.peerId());
            } catch (PeerConnectionException e) {
                log.info("Dialling {} failed: {}; next try in {} ms", describe(target), e.getMessage(),
                        delay.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                return;
            }
            Duration doubled = delay.multipliedBy(2);
            delay = doubled.compareTo(settings.reconnectMaxDelay()) > 0 ? settings.reconnectMaxDelay() : doubled;
        }
    }

    private boolean isConnected(String peerId) {
        PeerRecord rec = peers.get(peerId);
        return rec != null && rec.connected();
    }

    // ------------------------------------------------------------------ helpers

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

    private void requireRunning() {
        if (!running) {
            throw new PeerConnectionException(PeerConnectionException.Kind.STOPPED, "the peer service is not running");
        }
    }

    private InputStream input(Socket socket) throws IOException {
        return new BufferedInputStream(CountingStreams.in(socket.getInputStream(), observer::bytesIn), STREAM_BUFFER);
    }

    private OutputStream output(Socket socket) throws IOException {
        return new BufferedOutputStream(CountingStreams.out(socket.getOutputStream(), observer::bytesOut),
                STREAM_BUFFER);
    }

    private static String describe(InetSocketAddress target) {
        return target.getHostString() + ":" + target.getPort();
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** What we know of one peer, across its connections. */
    private final class PeerRecord {
        final PeerKey key;
        final String safetyNumber;
        final LinkedHashMap<UUID, Frame.Message> unacked = new LinkedHashMap<>();
        volatile PeerConnection connection;
        volatile String lastAddress;
        volatile Direction lastDirection;
        volatile Instant lastConnectedAt;

        PeerRecord(PeerKey key) {
            this.key = key;
            this.safetyNumber = Fingerprints.safetyNumber(identity.publicKey(), key);
        }

        boolean connected() {
            PeerConnection c = connection;
            return c != null && c.isOpen();
        }

        PeerView view() {
            return new PeerView(key.peerId(), key.fingerprint(), safetyNumber, lastAddress, lastDirection,
                    connected() ? PeerState.CONNECTED : PeerState.DISCONNECTED, lastConnectedAt, key.pem());
        }
    }
}
