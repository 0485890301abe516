package io.peerlink.attack;

import static org.assertj.core.api.Assertions.fail;

import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Socket and byte helpers for hand-made attackers. Loopback only, every wait bounded. */
final class Wire {

    static final String LOOPBACK = "127.0.0.1";
    /** How long an attacker waits for anything from the victim. */
    static final Duration PATIENCE = Duration.ofSeconds(5);

    private Wire() {
    }

    static Socket dial(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(LOOPBACK, port), (int) PATIENCE.toMillis());
        s.setSoTimeout((int) PATIENCE.toMillis());
        s.setTcpNoDelay(true);
        return s;
    }

    static ServerSocket listen() throws IOException {
        ServerSocket server = new ServerSocket(0, 8, InetAddress.getByName(LOOPBACK));
        server.setSoTimeout((int) PATIENCE.multipliedBy(2).toMillis());
        return server;
    }

    /** What a fake server does with the one connection it accepts. */
    interface Script<T> {
        T run(Socket socket) throws Exception;
    }

    /** Accepts one connection on a virtual thread and runs {@code script} on it. */
    static <T> CompletableFuture<T> serveOnce(ServerSocket server, Script<T> script) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().name("attacker-server").start(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout((int) PATIENCE.toMillis());
                s.setTcpNoDelay(true);
                result.complete(script.run(s));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /** Writes all parts in one write, so that they leave in one segment on loopback. */
    static void send(Socket s, byte[]... parts) throws IOException {
        s.getOutputStream().write(concat(parts));
        s.getOutputStream().flush();
    }

    static void send(Socket s, RawFrame frame) throws IOException {
        send(s, frame.bytes());
    }

    /** One handshake frame from {@code in}; fails the test on a clean end of stream. */
    static RawFrame readFrame(InputStream in) throws IOException, ProtocolException {
        RawFrame frame = RawFrame.read(in, WireConstants.MAX_HANDSHAKE_FRAME_LENGTH);
        if (frame == null) {
            fail("the other side closed the connection instead of sending a frame");
        }
        return frame;
    }

    /**
     * Reads and discards whatever the victim still sends until it closes the connection (end of
     * stream or reset), and returns how long that took. Fails if it is still open after {@code max}.
     */
    static Duration awaitClosedByPeer(Socket s, InputStream in, Duration max) throws IOException {
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        byte[] sink = new byte[8192];
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("the victim kept the connection open for more than " + max.toMillis() + " ms");
            }
            s.setSoTimeout((int) Math.max(1, left / 1_000_000));
            try {
                if (in.read(sink) < 0) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (SocketTimeoutException e) {
                fail("the victim kept the connection open for more than " + max.toMillis() + " ms");
            } catch (SocketException e) {
                // reset by the victim: closed as well
                return Duration.ofNanos(System.nanoTime() - start);
            }
        }
    }

    static Duration awaitClosedByPeer(Socket s) throws IOException {
        return awaitClosedByPeer(s, s.getInputStream(), PATIENCE);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A copy of {@code bytes} with bit {@code bit} (0 = least significant) of byte {@code index} flipped. */
    static byte[] flipBit(byte[] bytes, int index, int bit) {
        byte[] copy = bytes.clone();
        copy[index] ^= (byte) (1 << bit);
        return copy;
    }

    /** A handshake frame with one bit of its body flipped; the header is kept. */
    static RawFrame flipBodyBit(RawFrame frame, int index, int bit) {
        return new RawFrame(frame.header(), flipBit(frame.body(), index, bit));
    }

    /** Splits bytes written by a record writer back into their frames. */
    static List<RawFrame> split(byte[] wire) throws IOException, ProtocolException {
        List<RawFrame> frames = new ArrayList<>();
        InputStream in = new ByteArrayInputStream(wire);
        RawFrame f;
        while ((f = RawFrame.read(in, Integer.MAX_VALUE)) != null) {
            frames.add(f);
        }
        return frames;
    }
}
