package io.peerlink.transport;

import io.peerlink.handshake.HandshakeDriver;
import io.peerlink.handshake.Session;
import io.peerlink.identity.Identity;
import io.peerlink.wire.Frame;
import io.peerlink.wire.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real {@link PeerConnection}s for tests of the connection layer's parts: a loopback socket pair,
 * a real handshake over it, and the server's end wrapped as an inbound connection with the slot and
 * handler the test gives. The client's end stays with the test.
 */
final class TestConnections {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** One timer thread for every test connection (it is a daemon). */
    static final Timers TIMERS = new Timers();

    private TestConnections() {
    }

    /** An inbound connection at {@code server} from {@code client}, not yet started. */
    record Pair(PeerConnection connection, Socket clientSocket) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            clientSocket.close();
        }
    }

    static Pair inbound(Identity server, Identity client, Slot slot, PeerConnection.Handler handler)
            throws Exception {
        return inbound(server, client, slot, handler, java.util.function.UnaryOperator.identity());
    }

    /** As above, with the connection's output stream (after the handshake) wrapped by {@code wrap}. */
    static Pair inbound(Identity server, Identity client, Slot slot, PeerConnection.Handler handler,
            java.util.function.UnaryOperator<OutputStream> wrap) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket listening = new ServerSocket(0, 1, loopback)) {
            Socket clientSocket = new Socket(loopback, listening.getLocalPort());
            Socket serverSocket = listening.accept();
            InputStream in = ConnectionStreams.input(serverSocket, ConnectionObserver.NONE);
            OutputStream out = ConnectionStreams.output(serverSocket, ConnectionObserver.NONE);
            CompletableFuture<Session> serverSide = CompletableFuture.supplyAsync(() -> {
                try {
                    return HandshakeDriver.server(serverSocket, in, out, server, new SecureRandom(), TIMEOUT, TIMEOUT,
                            Runnable::run);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            HandshakeDriver.client(clientSocket, ConnectionStreams.input(clientSocket, ConnectionObserver.NONE),
                    ConnectionStreams.output(clientSocket, ConnectionObserver.NONE), client, new SecureRandom(), TIMEOUT,
                    peer -> true);
            Session session = serverSide.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            PeerConnection c = new PeerConnection(serverSocket, in, wrap.apply(out), session, Direction.INBOUND, Instant.now(),
                    Limits.DEFAULTS, Duration.ofSeconds(1), Duration.ofSeconds(4), handler, ConnectionObserver.NONE,
                    slot, TIMERS);
            return new Pair(c, clientSocket);
        }
    }

    /** A handler that counts what it is told; {@link #onClosed} may be told only once. */
    static class CountingHandler implements PeerConnection.Handler {
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public void onMessage(PeerConnection connection, Frame.Message message) {
        }

        @Override
        public void onAck(PeerConnection connection, Frame.Ack ack) {
        }

        @Override
        public void onWritten(PeerConnection connection, Frame.Message message) {
        }

        @Override
        public void onClosed(PeerConnection connection, String reason) {
            closed.incrementAndGet();
        }

        @Override
        public void onRelay(PeerConnection connection, Frame.Relay frame) {
        }
    }
}
