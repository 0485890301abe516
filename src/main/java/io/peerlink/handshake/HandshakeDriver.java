package io.peerlink.handshake;

import io.peerlink.identity.Identity;
import io.peerlink.identity.PeerKey;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Runs a {@link Handshake} over a socket's streams under one deadline for the whole handshake: a
 * peer that stalls or trickles bytes is cut off when the deadline passes.
 */
public final class HandshakeDriver {

    private HandshakeDriver() {
    }

    /** Listening side: speaks first. */
    public static Session server(Socket socket, InputStream in, OutputStream out, Identity identity,
            SecureRandom random, Duration timeout) throws IOException, ProtocolException {
        Handshake hs = new Handshake(Handshake.Role.SERVER, identity, random);
        return withDeadline(socket, timeout, hs, () -> {
            write(out, hs.createServerHello());
            hs.consumeClientHello(read(in));
            write(out, hs.createServerFinish());
            hs.consumeClientFinish(read(in));
            return hs.split();
        });
    }

    /**
     * Dialling side. {@code acceptServer} sees the server's claimed identity right after
     * SERVER_HELLO, before the client reveals its own; returning false aborts with
     * {@link UnexpectedPeerException}.
     */
    public static Session client(Socket socket, InputStream in, OutputStream out, Identity identity,
            SecureRandom random, Duration timeout, Predicate<PeerKey> acceptServer)
            throws IOException, ProtocolException {
        Handshake hs = new Handshake(Handshake.Role.CLIENT, identity, random);
        return withDeadline(socket, timeout, hs, () -> {
            hs.consumeServerHello(read(in));
            if (!acceptServer.test(hs.peer())) {
                throw new UnexpectedPeerException(hs.peer());
            }
            write(out, hs.createClientHello());
            hs.consumeServerFinish(read(in));
            write(out, hs.createClientFinish());
            return hs.split();
        });
    }

    /** The server's identity was not the one the caller expected; nothing of ours was revealed. */
    public static final class UnexpectedPeerException extends IOException {
        private final transient PeerKey actual;

        UnexpectedPeerException(PeerKey actual) {
            super("the server's identity is " + actual.peerId() + ", not the expected one");
            this.actual = actual;
        }

        public PeerKey actual() {
            return actual;
        }
    }

    private interface Steps {
        Session run() throws IOException, ProtocolException;
    }

    private static Session withDeadline(Socket socket, Duration timeout, Handshake hs, Steps steps)
            throws IOException, ProtocolException {
        // whoever flips this first wins: the steps by finishing, or the watchdog by closing the socket
        AtomicBoolean settled = new AtomicBoolean();
        AtomicBoolean expired = new AtomicBoolean();
        Thread watchdog = Thread.ofVirtual().name("handshake-deadline").start(() -> {
            try {
                Thread.sleep(timeout);
                if (settled.compareAndSet(false, true)) {
                    expired.set(true);
                    socket.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // closing is best effort
            }
        });
        int previousTimeout = socket.getSoTimeout();
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            Session session = steps.run();
            if (!settled.compareAndSet(false, true)) {
                // the deadline passed just as the last step finished: the socket is already closed
                session.sendCipher().destroy();
                session.receiveCipher().destroy();
                throw new java.net.SocketTimeoutException("deadline");
            }
            socket.setSoTimeout(previousTimeout);
            return session;
        } catch (IOException e) {
            Handshake.State stalledIn = hs.state(); // before fail() moves it to FAILED
            hs.fail();
            if (expired.get() || e instanceof java.net.SocketTimeoutException) {
                throw new ProtocolException(ProtocolException.Reason.HANDSHAKE_TIMEOUT,
                        "handshake not complete after " + timeout.toMillis() + " ms (stalled in " + stalledIn + ")");
            }
            throw e;
        } catch (ProtocolException | RuntimeException e) {
            hs.fail();
            throw e;
        } finally {
            watchdog.interrupt();
        }
    }

    private static RawFrame read(InputStream in) throws IOException, ProtocolException {
        RawFrame frame = RawFrame.read(in, WireConstants.MAX_HANDSHAKE_FRAME_LENGTH);
        if (frame == null) {
            throw new ProtocolException(ProtocolException.Reason.CONNECTION_CLOSED,
                    "peer closed the connection during the handshake");
        }
        return frame;
    }

    private static void write(OutputStream out, RawFrame frame) throws IOException {
        out.write(frame.header());
        out.write(frame.body());
        out.flush();
    }
}
