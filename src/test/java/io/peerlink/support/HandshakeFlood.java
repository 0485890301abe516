package io.peerlink.support;

import io.peerlink.crypto.RsaOaep;
import io.peerlink.handshake.HandshakeMessage.ClientHello;
import io.peerlink.handshake.HandshakeMessage.ServerHello;
import io.peerlink.identity.PeerKey;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The attacker of issue 9, from one loopback source address against one peer port, for a bounded
 * time. Two kinds of virtual threads, each in a loop bounded by the end time and a count:
 *
 * <ul>
 *   <li><b>holders</b> try to keep connections open without finishing a handshake: once the victim
 *       sends SERVER_HELLO, every other one stays silent and the rest trickle a CLIENT_HELLO one byte
 *       a second; when the victim closes or refuses one, it opens another after a pause;</li>
 *   <li><b>flooders</b> open a connection, read SERVER_HELLO and answer with a well-formed
 *       CLIENT_HELLO built by the production encoder ({@link ClientHello#encode}) with random secrets:
 *       a random X25519 value, a random ML-KEM-768 ciphertext, a random {@code s1} RSA-OAEP-encrypted
 *       to the victim's key and a random sealed identity. The victim has to do the X25519, the
 *       decapsulation and the RSA decryption before it can tell (HANDSHAKE_DECRYPT_FAILED): a
 *       forced handshake.</li>
 * </ul>
 *
 * Only loopback targets and sources are accepted. Thread-safe.
 */
public final class HandshakeFlood implements AutoCloseable {

    /**
     * @param source the loopback address every connection is bound to
     * @param host the victim's peer host (loopback)
     * @param port the victim's peer port
     * @param holders connections the attacker tries to hold open
     * @param flooders loops sending CLIENT_HELLOs with random secrets
     * @param duration how long the attack runs
     */
    public record Settings(String source, String host, int port, int holders, int flooders, Duration duration) {
    }

    /**
     * What the attacker saw, so far. {@code forced} counts CLIENT_HELLOs the victim took and then
     * hung up on: decrypted, or (beyond its per-source token bucket, docs/PROTOCOL.md section 8)
     * closed undecrypted; the attacker cannot tell the two apart, the victim's metrics can.
     */
    public record Counts(long holderAttempts, long holdersAdmitted, long holdersRefused, long floodAttempts,
            long floodRefused, long forced, long errors) {
    }

    /** A holder whose connection was refused waits this long before it opens the next one. */
    private static final Duration HOLDER_PAUSE = Duration.ofMillis(250);
    /**
     * A flooder whose connection was refused waits this long before the next: a refusal costs the
     * attacker more CPU than the victim, and on a shared machine that would only slow the legitimate
     * peer. A flooder whose CLIENT_HELLO was served goes on at once.
     */
    private static final Duration FLOOD_PAUSE = Duration.ofMillis(20);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    /** Bounds every loop whatever the clock does. */
    private static final int MAX_ROUNDS_PER_THREAD = 50_000;

    private final Settings settings;
    private final long endNanos;
    private final List<Thread> threads = new ArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong holderAttempts = new AtomicLong();
    private final AtomicLong holdersAdmitted = new AtomicLong();
    private final AtomicLong holdersRefused = new AtomicLong();
    private final AtomicLong floodAttempts = new AtomicLong();
    private final AtomicLong floodRefused = new AtomicLong();
    private final AtomicLong forced = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean stopped;

    private HandshakeFlood(Settings settings) {
        this.settings = settings;
        this.endNanos = System.nanoTime() + settings.duration().toNanos();
    }

    /** Starts every thread at once and returns; {@link #close} ends them early. */
    public static HandshakeFlood start(Settings settings) throws IOException {
        requireLoopback(settings.source());
        requireLoopback(settings.host());
        HandshakeFlood flood = new HandshakeFlood(settings);
        for (int i = 0; i < settings.holders(); i++) {
            boolean trickle = i % 2 == 1;
            flood.threads.add(Thread.ofVirtual().name("flood-holder-" + i).start(() -> flood.hold(trickle)));
        }
        for (int i = 0; i < settings.flooders(); i++) {
            flood.threads.add(Thread.ofVirtual().name("flood-hello-" + i).start(flood::flood));
        }
        return flood;
    }

    public Counts counts() {
        return new Counts(holderAttempts.get(), holdersAdmitted.get(), holdersRefused.get(), floodAttempts.get(),
                floodRefused.get(), forced.get(), errors.get());
    }

    /** Waits (bounded) until the attack is over by itself. */
    public void awaitEnd() throws InterruptedException {
        long waitMillis = Math.max(0, (endNanos - System.nanoTime()) / 1_000_000) + 20_000;
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        for (Thread t : threads) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left > 0) {
                t.join(left);
            }
        }
        close();
    }

    /** Stops every thread and closes every socket still open; bounded. */
    @Override
    public void close() {
        stopped = true;
        open.forEach(HandshakeFlood::closeQuietly);
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean running() {
        return !stopped && System.nanoTime() < endNanos && !Thread.currentThread().isInterrupted();
    }

    private void hold(boolean trickle) {
        for (int round = 0; round < MAX_ROUNDS_PER_THREAD && running(); round++) {
            holderAttempts.incrementAndGet();
            Socket s = null;
            boolean admitted = false;
            try {
                s = connect();
                RawFrame hello = RawFrame.read(s.getInputStream(), WireConstants.MAX_HANDSHAKE_FRAME_LENGTH);
                if (hello == null) {
                    holdersRefused.incrementAndGet();
                    pause(HOLDER_PAUSE);
                    continue;
                }
                admitted = true;
                holdersAdmitted.incrementAndGet();
                if (trickle) {
                    trickleUntilClosed(s);
                } else {
                    readUntilClosed(s.getInputStream());
                }
            } catch (SocketException e) {
                // reset: refused before SERVER_HELLO, or dropped later (or close() ended the attack)
                if (!admitted) {
                    holdersRefused.incrementAndGet();
                    pause(HOLDER_PAUSE);
                }
            } catch (IOException | ProtocolException | RuntimeException e) {
                errors.incrementAndGet();
                pause(HOLDER_PAUSE);
            } finally {
                release(s);
            }
        }
    }

    private void flood() {
        SecureRandom random = new SecureRandom();
        PeerKey victim = null;
        for (int round = 0; round < MAX_ROUNDS_PER_THREAD && running(); round++) {
            floodAttempts.incrementAndGet();
            Socket s = null;
            try {
                s = connect();
                InputStream in = s.getInputStream();
                RawFrame frame = RawFrame.read(in, WireConstants.MAX_HANDSHAKE_FRAME_LENGTH);
                if (frame == null) {
                    floodRefused.incrementAndGet();
                    pause(FLOOD_PAUSE);
                    continue;
                }
                ServerHello hello = ServerHello.decode(frame);
                if (victim == null || !Arrays.equals(victim.spki(), hello.spki())) {
                    victim = PeerKey.fromSpki(hello.spki());
                }
                byte[] s1 = new byte[WireConstants.SECRET_LENGTH];
                random.nextBytes(s1);
                ClientHello forged = new ClientHello(WireConstants.VERSION_1, bytes(random, WireConstants.X25519_KEY_LENGTH),
                        bytes(random, WireConstants.MLKEM_CIPHERTEXT_LENGTH), RsaOaep.encrypt(victim.key(), s1, random),
                        bytes(random, victim.spki().length + WireConstants.TAG_LENGTH));
                OutputStream out = s.getOutputStream();
                out.write(forged.encode().bytes());
                out.flush();
                // the victim decrypts everything, then finds the sealed identity does not open and hangs up
                readUntilClosed(in);
                forced.incrementAndGet();
            } catch (SocketException e) {
                floodRefused.incrementAndGet();
                pause(FLOOD_PAUSE);
            } catch (IOException | ProtocolException | GeneralSecurityException | RuntimeException e) {
                errors.incrementAndGet();
                pause(FLOOD_PAUSE);
            } finally {
                release(s);
            }
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        open.add(s);
        try {
            s.setTcpNoDelay(true);
            s.bind(new InetSocketAddress(settings.source(), 0));
            s.connect(new InetSocketAddress(settings.host(), settings.port()), 5_000);
            s.setSoTimeout((int) READ_TIMEOUT.toMillis());
            return s;
        } catch (IOException | RuntimeException e) {
            open.remove(s);
            closeQuietly(s);
            throw e;
        }
    }

    /**
     * One byte a second of a plausible CLIENT_HELLO header and then zeros, until the victim hangs up:
     * each second is a read with a 1 s time-out, which also sees the victim's close.
     */
    private void trickleUntilClosed(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        byte[] header = RawFrame.header(WireConstants.TYPE_CLIENT_HELLO, 1500);
        s.setSoTimeout(1_000);
        for (int i = 0; i < 1500 && running(); i++) {
            out.write(i < header.length ? header[i] : 0);
            out.flush();
            try {
                if (in.read() < 0) {
                    return; // the victim hung up
                }
            } catch (SocketTimeoutException e) {
                // a second without an answer: the next byte
            }
        }
    }

    private static void readUntilClosed(InputStream in) throws IOException {
        byte[] sink = new byte[4096];
        try {
            while (in.read(sink) >= 0) {
                // whatever the victim still sends
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("the victim kept a connection open for " + READ_TIMEOUT.toSeconds() + " s", e);
        }
    }

    private static byte[] bytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private void pause(Duration d) {
        if (!running()) {
            return;
        }
        try {
            // a little jitter, so that the holders do not come back in lock step
            Thread.sleep(d.toMillis() + ThreadLocalRandom.current().nextLong(1 + d.toMillis() / 5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void requireLoopback(String host) throws IOException {
        if (!InetAddress.getByName(host).isLoopbackAddress()) {
            throw new IllegalArgumentException(host + " is not a loopback address: this attacker stays on loopback");
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closed already
        }
    }

    private void release(Socket s) {
        if (s != null) {
            open.remove(s);
            closeQuietly(s);
        }
    }
}
