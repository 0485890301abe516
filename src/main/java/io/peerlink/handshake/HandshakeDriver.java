package io.peerlink.handshake;

import io.peerlink.identity.Identity;
import io.peerlink.identity.PeerKey;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Runs a {@link Handshake} over a socket's streams under one deadline for the whole handshake: a
 * peer that stalls or trickles bytes is cut off when the deadline passes. Every read also has its
 * own time-out, the smaller of the idle time-out and what is left of the deadline, so a peer that
 * sends nothing at all is dropped sooner.
 *
 * <p>The server's CPU-heavy steps (key generation for SERVER_HELLO; CLIENT_HELLO with its X25519,
 * ML-KEM decapsulation and RSA-OAEP decryption, and SERVER_FINISH with its RSA-OAEP encryption) run
 * on the {@code crypto} executor the caller gives, one step at a time; the socket reads and writes
 * stay on the calling thread, so a slow peer never holds one of the executor's threads.
 */
public final class HandshakeDriver {

    private HandshakeDriver() {
    }

    /**
     * Listening side: speaks first.
     *
     * @param timeout the whole handshake must finish within this
     * @param idleTimeout a read that receives nothing for this long ends the handshake (HANDSHAKE_TIMEOUT)
     * @param crypto runs the CPU-heavy steps ({@code Runnable::run} runs them on the calling thread)
     * @throws RejectedExecutionException when {@code crypto} refuses a step: the handshake is abandoned
     */
    public static Session server(Socket socket, InputStream in, OutputStream out, Identity identity,
            SecureRandom random, Duration timeout, Duration idleTimeout, Executor crypto)
            throws IOException, ProtocolException {
        return server(socket, in, out, identity, random, timeout, idleTimeout, crypto, null, () -> true);
    }

    /**
     * Listening side, with the deadline kept by {@code deadlines} (the caller's one timer thread;
     * null: a virtual thread waits for it) and a gate before the expensive part: {@code mayDecrypt}
     * is asked once, when CLIENT_HELLO has arrived and before anything in it is decoded or
     * decrypted; when it says no, the handshake ends there with {@link DecryptionDeclinedException},
     * having sent nothing more.
     */
    public static Session server(Socket socket, InputStream in, OutputStream out, Identity identity,
            SecureRandom random, Duration timeout, Duration idleTimeout, Executor crypto,
            ScheduledExecutorService deadlines, BooleanSupplier mayDecrypt) throws IOException, ProtocolException {
        return server(socket, in, out, identity, random, timeout, idleTimeout, crypto, deadlines, mayDecrypt,
                WireConstants.MAX_VERSION);
    }

    /** As above, offering protocol versions 1 up to {@code maxVersion} (1: a version-1 peer). */
    public static Session server(Socket socket, InputStream in, OutputStream out, Identity identity,
            SecureRandom random, Duration timeout, Duration idleTimeout, Executor crypto,
            ScheduledExecutorService deadlines, BooleanSupplier mayDecrypt, int maxVersion)
            throws IOException, ProtocolException {
        return server(socket, in, out, identity, random, timeout, idleTimeout, crypto, deadlines, mayDecrypt,
                maxVersion, false);
    }

    /**
     * As above; with {@code acceptJoin} (a relay) a client whose first frame is a JOIN (docs/PROTOCOL.md
     * section 12) ends the handshake with {@link JoinRequestedException}, which carries the JOIN's
     * body: the connection is then the relay's, nothing was decrypted, and {@code in} holds whatever
     * the client sent after the JOIN.
     */
    public static Session server(Socket socket, InputStream in, OutputStream out, Identity identity,
            SecureRandom random, Duration timeout, Duration idleTimeout, Executor crypto,
            ScheduledExecutorService deadlines, BooleanSupplier mayDecrypt, int maxVersion, boolean acceptJoin)
            throws IOException, ProtocolException {
        Handshake hs = new Handshake(Handshake.Role.SERVER, identity, random, maxVersion);
        return withDeadline(new Exchange(socket, in, out, timeout, idleTimeout, crypto), hs, deadlines, x -> {
            x.write(x.compute(hs::createServerHello));
            RawFrame clientHello = x.read();
            if (acceptJoin && clientHello.type() == WireConstants.TYPE_JOIN) {
                if (clientHello.body().length != WireConstants.JOIN_LENGTH) {
                    throw new ProtocolException(ProtocolException.Reason.MALFORMED, "JOIN body of "
                            + clientHello.body().length + " bytes, expected " + WireConstants.JOIN_LENGTH);
                }
                throw new JoinRequestedException(clientHello.body());
            }
            if (!mayDecrypt.getAsBoolean()) {
                throw new DecryptionDeclinedException();
            }
            x.write(x.compute(() -> {
                hs.consumeClientHello(clientHello);
                return hs.createServerFinish();
            }));
            // one HMAC and one AES-GCM open: cheap enough for this thread
            hs.consumeClientFinish(x.read());
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
        return client(socket, in, out, identity, random, timeout, acceptServer, null);
    }

    /** As above, with the deadline kept by {@code deadlines} (null: a virtual thread waits for it). */
    public static Session client(Socket socket, InputStream in, OutputStream out, Identity identity,
            SecureRandom random, Duration timeout, Predicate<PeerKey> acceptServer,
            ScheduledExecutorService deadlines) throws IOException, ProtocolException {
        return client(socket, in, out, identity, random, timeout, acceptServer, deadlines, WireConstants.MAX_VERSION);
    }

    /** As above, speaking protocol versions 1 up to {@code maxVersion} (1: a version-1 peer). */
    public static Session client(Socket socket, InputStream in, OutputStream out, Identity identity,
            SecureRandom random, Duration timeout, Predicate<PeerKey> acceptServer,
            ScheduledExecutorService deadlines, int maxVersion) throws IOException, ProtocolException {
        Handshake hs = new Handshake(Handshake.Role.CLIENT, identity, random, maxVersion);
        return withDeadline(new Exchange(socket, in, out, timeout, timeout, Runnable::run), hs, deadlines, x -> {
            hs.consumeServerHello(x.read());
            if (!acceptServer.test(hs.peer())) {
                throw new UnexpectedPeerException(hs.peer());
            }
            x.write(hs.createClientHello());
            hs.consumeServerFinish(x.read());
            x.write(hs.createClientFinish());
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

    /** The client asked to join a relay's circuit instead of handshaking (a relay only). */
    public static final class JoinRequestedException extends IOException {
        private final transient byte[] join;

        JoinRequestedException(byte[] join) {
            super("the client joins a relay circuit", null);
            this.join = join;
        }

        /** The JOIN body: circuit id (16) and secret (32). */
        public byte[] join() {
            return join;
        }
    }

    /** The server's gate declined to decrypt this CLIENT_HELLO (a rate limit): nothing was decrypted. */
    public static final class DecryptionDeclinedException extends IOException {
        DecryptionDeclinedException() {
            super("CLIENT_HELLO not decrypted: declined by the caller's gate", null);
        }
    }

    private interface Steps {
        Session run(Exchange x) throws IOException, ProtocolException;
    }

    /** One handshake step that may run on the crypto executor. */
    private interface Step<T> {
        T run() throws ProtocolException;
    }

    private static Session withDeadline(Exchange x, Handshake hs, ScheduledExecutorService deadlines, Steps steps)
            throws IOException, ProtocolException {
        // whoever flips this first wins: the steps by finishing, or the watchdog by closing the socket
        AtomicBoolean settled = new AtomicBoolean();
        AtomicBoolean expired = new AtomicBoolean();
        Runnable expire = () -> {
            if (settled.compareAndSet(false, true)) {
                expired.set(true);
                try {
                    x.socket.close();
                } catch (IOException e) {
                    // closing is best effort
                }
            }
        };
        Runnable cancelWatchdog;
        if (deadlines != null) {
            Future<?> deadline = deadlines.schedule(expire, x.timeout.toNanos(), TimeUnit.NANOSECONDS);
            cancelWatchdog = () -> deadline.cancel(false);
        } else {
            Thread watchdog = Thread.ofVirtual().name("handshake-deadline").start(() -> {
                try {
                    Thread.sleep(x.timeout);
                    expire.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            cancelWatchdog = watchdog::interrupt;
        }
        int previousTimeout = x.socket.getSoTimeout();
        try {
            Session session = steps.run(x);
            if (!settled.compareAndSet(false, true)) {
                // the deadline passed just as the last step finished: the socket is already closed
                session.sendCipher().destroy();
                session.receiveCipher().destroy();
                throw new SocketTimeoutException("deadline");
            }
            x.socket.setSoTimeout(previousTimeout);
            return session;
        } catch (IOException e) {
            Handshake.State stalledIn = hs.state(); // before fail() moves it to FAILED
            hs.fail();
            if (!expired.get() && x.idleBound && e instanceof SocketTimeoutException) {
                throw new ProtocolException(ProtocolException.Reason.HANDSHAKE_TIMEOUT, "nothing received for "
                        + x.idleTimeout.toMillis() + " ms (handshake-idle-timeout, stalled in " + stalledIn + ")");
            }
            if (expired.get() || e instanceof SocketTimeoutException) {
                throw new ProtocolException(ProtocolException.Reason.HANDSHAKE_TIMEOUT,
                        "handshake not complete after " + x.timeout.toMillis() + " ms (stalled in " + stalledIn + ")");
            }
            throw e;
        } catch (ProtocolException | RuntimeException e) {
            hs.fail();
            throw e;
        } finally {
            cancelWatchdog.run();
        }
    }

    /**
     * The socket side of one handshake: frame reads with their time-outs, frame writes, and steps
     * handed to the crypto executor. Used by the handshake's own thread only.
     */
    private static final class Exchange {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final Duration timeout;
        final Duration idleTimeout;
        final Executor crypto;
        final long deadline;
        /** Whether the last read's time-out was the idle time-out rather than the deadline. */
        boolean idleBound;

        Exchange(Socket socket, InputStream in, OutputStream out, Duration timeout, Duration idleTimeout,
                Executor crypto) {
            this.socket = socket;
            this.in = in;
            this.out = out;
            this.timeout = timeout;
            this.idleTimeout = idleTimeout;
            this.crypto = crypto;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        RawFrame read() throws IOException, ProtocolException {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            long idle = idleTimeout.toMillis();
            idleBound = idle < left;
            // a per-read time-out: any byte restarts it, only the deadline stops a trickle
            socket.setSoTimeout((int) Math.clamp(Math.min(idle, left), 1, Integer.MAX_VALUE));
            RawFrame frame = RawFrame.read(in, WireConstants.MAX_HANDSHAKE_FRAME_LENGTH);
            if (frame == null) {
                throw new ProtocolException(ProtocolException.Reason.CONNECTION_CLOSED,
                        "peer closed the connection during the handshake");
            }
            return frame;
        }

        void write(RawFrame frame) throws IOException {
            out.write(frame.header());
            out.write(frame.body());
            out.flush();
        }

        /**
         * Runs {@code step} on the crypto executor and waits for it until the deadline. A step
         * still queued at the deadline never runs; one already running is waited for, so that the
         * handshake is never touched by two threads at once.
         */
        <T> T compute(Step<T> step) throws IOException, ProtocolException {
            Offloaded<T> task = new Offloaded<>(step);
            idleBound = false;
            crypto.execute(task);
            try {
                return task.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                task.abandon();
                throw new SocketTimeoutException("deadline passed while waiting for the crypto executor");
            } catch (InterruptedException e) {
                task.abandon();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the crypto executor");
            } catch (ExecutionException e) {
                switch (e.getCause()) {
                    case ProtocolException p -> throw p;
                    case RuntimeException r -> throw r;
                    case Error err -> throw err;
                    default -> throw new IllegalStateException("handshake step failed", e.getCause());
                }
            }
        }
    }

    /** A step on its way to the crypto executor: it runs at most once, and not at all once abandoned. */
    private static final class Offloaded<T> implements Runnable {
        final Step<T> step;
        final CompletableFuture<T> result = new CompletableFuture<>();
        final AtomicBoolean claimed = new AtomicBoolean();

        Offloaded(Step<T> step) {
            this.step = step;
        }

        @Override
        public void run() {
            if (!claimed.compareAndSet(false, true)) {
                return; // abandoned while queued
            }
            try {
                result.complete(step.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }

        /** Makes sure the step is not running: it never will, or it has finished. */
        void abandon() {
            if (!claimed.compareAndSet(false, true)) {
                // already running: a CPU step without I/O, it ends by itself
                boolean interrupted = false;
                while (!result.isDone()) {
                    try {
                        result.get();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        break;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
