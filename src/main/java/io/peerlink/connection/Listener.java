package io.peerlink.connection;

import io.peerlink.handshake.HandshakeDriver;
import io.peerlink.handshake.Session;
import io.peerlink.identity.Identity;
import io.peerlink.wire.ProtocolException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer port: accepts connections and runs the server side of each handshake on its own virtual
 * thread. An inbound connection holds a handshake slot (its own budget, apart from established
 * connections and outbound dials) until its handshake ends; only then does it take a connection
 * slot.
 *
 * <p>Thread-safe; {@link #start} and {@link #close} are called once each.
 */
final class Listener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Listener.class);

    private final Identity identity;
    private final ConnectionSettings settings;
    private final ConnectionObserver observer;
    private final SecureRandom random;
    private final Semaphore connectionSlots;
    private final Semaphore handshakeSlots;
    private final Sessions sessions;
    private final Set<Socket> handshaking = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile boolean open;

    Listener(Identity identity, ConnectionSettings settings, ConnectionObserver observer, SecureRandom random,
            Semaphore connectionSlots, Sessions sessions) {
        this.identity = identity;
        this.settings = settings;
        this.observer = observer;
        this.random = random;
        this.connectionSlots = connectionSlots;
        this.handshakeSlots = new Semaphore(settings.maxConnections());
        this.sessions = sessions;
    }

    void start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(settings.listenHost()), settings.listenPort()), 128);
        server = s;
        open = true;
        Thread.ofPlatform().name("peer-listener").daemon().start(this::acceptLoop);
    }

    boolean isListening() {
        ServerSocket s = server;
        return open && s != null && s.isBound() && !s.isClosed();
    }

    int port() {
        ServerSocket s = server;
        return s == null ? settings.listenPort() : s.getLocalPort();
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
            if (connectionSlots.availablePermits() == 0) {
                // no room for another established connection: not worth a handshake
                observer.handshakeFailed(Direction.INBOUND, "capacity");
                log.debug("Refused a connection from {}: already {} connections (max-connections)",
                        socket.getRemoteSocketAddress(), settings.maxConnections());
                Sessions.closeQuietly(socket);
                continue;
            }
            Slot handshakeSlot = Slot.tryAcquire(handshakeSlots);
            if (handshakeSlot == null) {
                observer.handshakeFailed(Direction.INBOUND, "capacity");
                log.debug("Refused a connection from {}: handshake budget used up", socket.getRemoteSocketAddress());
                Sessions.closeQuietly(socket);
                continue;
            }
            Thread.ofVirtual().name("peer-accept").start(() -> {
                try (handshakeSlot) {
                    acceptOne(socket);
                }
            });
        }
    }

    private void acceptOne(Socket socket) {
        String from = String.valueOf(socket.getRemoteSocketAddress());
        boolean handedOver = false;
        handshaking.add(socket);
        try {
            socket.setTcpNoDelay(true);
            var in = Sessions.input(socket, observer);
            var out = Sessions.output(socket, observer);
            Session session = HandshakeDriver.server(socket, in, out, identity, random, settings.handshakeTimeout());
            observer.handshakeSucceeded(Direction.INBOUND);
            handshaking.remove(socket);
            Slot slot = Slot.tryAcquire(connectionSlots);
            if (slot == null) {
                observer.handshakeFailed(Direction.INBOUND, "capacity");
                log.info("Refused {} from {}: already {} connections (max-connections)", session.peer().peerId(),
                        from, settings.maxConnections());
                return;
            }
            handedOver = true;
            sessions.register(socket, in, out, session, Direction.INBOUND, slot, null);
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
            log.info("Inbound handshake from {} aborted: {}", from, Sessions.describe(e));
        } catch (RuntimeException e) {
            observer.handshakeFailed(Direction.INBOUND, "internal");
            log.error("Inbound handshake from {} failed unexpectedly", from, e);
        } finally {
            handshaking.remove(socket);
            if (!handedOver) {
                Sessions.closeQuietly(socket);
            }
        }
    }
}
