package io.peerlink.transport;

import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.messaging.PeerConnectionServiceTest;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.peerlink.attack.LogCapture;
import io.peerlink.handshake.Handshake;
import io.peerlink.identity.Identity;
import io.peerlink.support.HandshakeFlood;
import io.peerlink.support.TestIdentities;
import io.peerlink.support.TestStores;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pre-authentication admission (issue 9) over real loopback sockets: hand-made clients bound to
 * source addresses of their own (127.0.5.x) against a victim service. A client that receives
 * SERVER_HELLO was admitted; one the victim closes without a byte was refused. Every wait is
 * bounded.
 */
class PreAuthAdmissionTest {

    private static final String VICTIM_HOST = "127.0.0.1";
    private static final String ATTACKER = "127.0.5.4";
    private static final String OTHER = "127.0.5.5";
    private static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final Identity VICTIM = TestIdentities.named("victim");
    private static final Identity MALLORY = TestIdentities.named("mallory");

    private final Recorder observer = new Recorder();
    private final List<Socket> clients = new ArrayList<>();
    private final Map<Socket, RawFrame> hellos = new ConcurrentHashMap<>();
    private final List<PeerConnectionService> services = new ArrayList<>();

    /** The first client hello of a JVM takes far longer than later ones; the time-out tests need them quick. */
    @BeforeAll
    static void warmUpTheClientSide() throws ProtocolException {
        for (int i = 0; i < 3; i++) {
            Handshake server = new Handshake(Handshake.Role.SERVER, VICTIM, new SecureRandom());
            Handshake client = new Handshake(Handshake.Role.CLIENT, MALLORY, new SecureRandom());
            client.consumeServerHello(server.createServerHello());
            server.consumeClientHello(client.createClientHello());
        }
    }

    @AfterEach
    void cleanUp() {
        clients.forEach(PreAuthAdmissionTest::closeQuietly);
        services.forEach(PeerConnectionService::stop);
    }

    // ------------------------------------------------------------------ the budget

    @Test
    void closesAConnectionBeyondThePerAddressBudgetAtOnce() throws Exception {
        PeerConnectionService victim = victim(settings().withHandshakeBudget(32, 3));
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(admittedFrom(ATTACKER, victim));
        }
        assertRefusedAtOnce(dialFrom(ATTACKER, victim));
        assertThat(observer.count("max-handshakes-per-address")).isEqualTo(1);
        admittedFrom(OTHER, victim);
        assertThat(victim.handshakesInProgress()).isEqualTo(4);

        held.getFirst().close();
        await(() -> victim.handshakesInProgress() == 3);
        admittedFrom(ATTACKER, victim);
    }

    @Test
    void closesAConnectionBeyondTheTotalBudgetAtOnce() throws Exception {
        PeerConnectionService victim = victim(settings().withHandshakeBudget(4, 2));
        admittedFrom(ATTACKER, victim);
        admittedFrom(ATTACKER, victim);
        admittedFrom(OTHER, victim);
        admittedFrom(OTHER, victim);
        assertRefusedAtOnce(dialFrom("127.0.5.6", victim));
        assertThat(observer.count("max-handshakes")).isEqualTo(1);
        assertThat(victim.handshakesInProgress()).isEqualTo(4);
    }

    @Test
    void rateLimitsEachSourceOnlyWhileMoreThanHalfTheBudgetIsInUse() throws Exception {
        PeerConnectionService victim = victim(settings().withHandshakeBudget(32, 32));
        int burst = 12;
        // no load: a quick burst from one address is admitted whole
        List<Socket> quiet = dialBurst(ATTACKER, victim, burst);
        assertThat(quiet.stream().filter(this::admitted).count()).isEqualTo(burst);
        quiet.forEach(PreAuthAdmissionTest::closeQuietly);
        await(() -> victim.handshakesInProgress() == 0);

        // 17 of 32 in progress, one from each of 17 addresses: more than half used
        for (int i = 0; i < 17; i++) {
            admittedFrom("127.0.5." + (10 + i), victim);
        }
        long start = System.nanoTime();
        List<Socket> loaded = dialBurst(ATTACKER, victim, burst);
        long admitted = loaded.stream().filter(this::admitted).count();
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // the bucket holds 5 tokens and refills one each 50 ms
        long allowed = SourceRateLimiter.BURST + elapsedMs * SourceRateLimiter.PER_SECOND / 1000 + 1;
        assertThat(admitted).as("admitted of %d in %d ms", burst, elapsedMs)
                .isBetween((long) SourceRateLimiter.BURST, Math.min(allowed, burst - 1));
        await(() -> observer.count("rate-limited") == burst - admitted);
        assertThat(observer.count("rate-limited")).isEqualTo(burst - admitted);
        // another source has its own bucket
        admittedFrom(OTHER, victim);
    }

    @Test
    void oneSourceFloodingClientHellosForcesAtMostTheBucketsRateOfDecryptions() throws Exception {
        PeerConnectionService victim = victim(ConnectionSettings.forTests(VICTIM_HOST));
        PeerConnectionService friend = service("friend", ConnectionSettings.forTests(OTHER));
        // the same connect once before the attack, from another identity: the baseline, and warm code
        PeerConnectionService before = service("before", ConnectionSettings.forTests(OTHER));
        long quiet = System.nanoTime();
        assertThat(before.connect(VICTIM_HOST, victim.listenPort(), VICTIM.peerId()).created()).isTrue();
        Duration baseline = Duration.ofNanos(System.nanoTime() - quiet);
        Duration attack = Duration.ofSeconds(4);
        long start = System.nanoTime();
        Duration connect;
        HandshakeFlood.Counts counts;
        // 8 loops from one address, each answering SERVER_HELLO with a well-formed CLIENT_HELLO of random secrets
        try (HandshakeFlood flood = HandshakeFlood.start(new HandshakeFlood.Settings(ATTACKER, VICTIM_HOST,
                victim.listenPort(), 0, 8, attack))) {
            Thread.sleep(1_500);
            long dial = System.nanoTime();
            assertThat(friend.connect(VICTIM_HOST, victim.listenPort(), VICTIM.peerId()).created()).isTrue();
            connect = Duration.ofNanos(System.nanoTime() - dial);
            flood.awaitEnd();
            counts = flood.counts();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        await(() -> victim.handshakesInProgress() == 0);
        // every forced decryption ends in HANDSHAKE_DECRYPT_FAILED: the sealed identity never opens
        int decrypted = observer.count("handshake_decrypt_failed");
        int declined = observer.count("rate-limited");
        System.out.printf(Locale.ROOT, "CLIENT_HELLO flood from one address for %.1f s: %d decrypted (%.1f/s), "
                + "%d declined before decryption, attacker %s; a peer from another address connected in %d ms "
                + "(%d ms before the attack)%n", seconds, decrypted, decrypted / seconds, declined, counts,
                connect.toMillis(), baseline.toMillis());
        assertThat(decrypted).as("forced decryptions in %.1f s", seconds)
                .isBetween(SourceRateLimiter.BURST, SourceRateLimiter.BURST
                        + (int) Math.ceil(seconds * SourceRateLimiter.PER_SECOND));
        assertThat(declined).as("CLIENT_HELLOs closed undecrypted").isGreaterThan(decrypted);
        assertThat(connect).as("the other address's connect during the flood").isLessThan(Duration.ofSeconds(1));
    }

    // ------------------------------------------------------------------ time-outs

    @Test
    void dropsAHandshakeThatSendsNothingForTheIdleTimeout() throws Exception {
        PeerConnectionService victim = victim(settings().withHandshakeTimeout(Duration.ofSeconds(10))
                .withHandshakeIdleTimeout(Duration.ofMillis(500)));
        try (LogCapture logs = LogCapture.of("io.peerlink.transport", "io.peerlink.messaging")) {
            Socket silent = admittedFrom(ATTACKER, victim);
            Duration open = awaitClosedByVictim(silent);
            assertThat(open).as("long before the 10 s handshake time-out").isBetween(Duration.ofMillis(400),
                    Duration.ofSeconds(3));
            logs.awaitWithoutStackTrace(Level.WARN, "Inbound handshake from", "failed: HANDSHAKE_TIMEOUT",
                    "nothing received for 500 ms", "stalled in WAIT_CLIENT_HELLO");
        }
        // half a CLIENT_HELLO, then silence: the same
        Socket staller = admittedFrom(OTHER, victim);
        byte[] hello = clientHello(staller).bytes();
        staller.getOutputStream().write(Arrays.copyOf(hello, hello.length / 2));
        staller.getOutputStream().flush();
        assertThat(awaitClosedByVictim(staller)).isLessThan(Duration.ofSeconds(3));
        await(() -> observer.count("handshake_timeout") == 2 && victim.handshakesInProgress() == 0);
        assertThat(observer.count("handshake_timeout")).isEqualTo(2);
        assertThat(victim.handshakesInProgress()).isZero();
    }

    @Test
    void theIdleTimeoutIsPerReadSoATrickleIsCutOnlyByTheDeadline() throws Exception {
        Duration deadline = Duration.ofSeconds(2);
        PeerConnectionService victim = victim(settings().withHandshakeTimeout(deadline)
                .withHandshakeIdleTimeout(Duration.ofMillis(500)));
        long start = System.nanoTime(); // the victim's deadline starts when it accepts
        Socket trickler = admittedFrom(ATTACKER, victim);
        // a frame's first byte is 0 (its length is far below 2^24): it goes out before the hello is built
        trickler.getOutputStream().write(0);
        trickler.getOutputStream().flush();
        byte[] hello = clientHello(trickler).bytes();
        assertThat(hello[0]).isZero();
        Thread feeder = Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = trickler.getOutputStream();
                for (int i = 1; i < hello.length - 1; i++) {
                    out.write(hello[i]);
                    out.flush();
                    Thread.sleep(200);
                }
            } catch (IOException | InterruptedException e) {
                // cut off by the victim, or the test is over
            }
        });
        try {
            awaitClosedByVictim(trickler);
        } finally {
            feeder.interrupt();
        }
        Duration open = Duration.ofNanos(System.nanoTime() - start);
        assertThat(open).isBetween(deadline.minusMillis(300), deadline.plusSeconds(2));
        await(() -> observer.count("handshake_timeout") == 1);
        assertThat(observer.count("handshake_timeout")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ the crypto pool

    @Test
    void refusesNewHandshakesWhileTheCryptoPoolIsFull() throws Exception {
        PeerConnectionService victim = victim(settings().withCryptoPool(1, 1));
        CountDownLatch release = new CountDownLatch(1);
        fill(victim.handshakeCrypto(), release);
        assertRefusedAtOnce(dialFrom(ATTACKER, victim));
        assertThat(observer.count("crypto-busy")).isEqualTo(1);
        release.countDown();
        await(() -> !victim.handshakeCrypto().full());
        admittedFrom(ATTACKER, victim);
    }

    @Test
    void dropsAHandshakeWhoseCryptoStepFindsThePoolFullRatherThanQueueingIt() throws Exception {
        PeerConnectionService victim = victim(settings().withCryptoPool(1, 1));
        Socket client = admittedFrom(ATTACKER, victim);
        RawFrame hello = clientHello(client);
        CountDownLatch release = new CountDownLatch(1);
        fill(victim.handshakeCrypto(), release);
        try {
            client.getOutputStream().write(hello.bytes());
            client.getOutputStream().flush();
            assertThat(awaitClosedByVictim(client)).isLessThan(Duration.ofSeconds(2));
            await(() -> observer.count("crypto-busy") == 1 && victim.handshakesInProgress() == 0);
            assertThat(observer.count("crypto-busy")).isEqualTo(1);
            assertThat(victim.handshakesInProgress()).isZero();
        } finally {
            release.countDown();
        }
    }

    @Test
    void slowClientsDoNotHoldTheCryptoThreads() throws Exception {
        PeerConnectionService victim = victim(settings().withCryptoPool(1, 1).withHandshakeTimeout(
                Duration.ofSeconds(10)).withHandshakeIdleTimeout(Duration.ofSeconds(10)));
        for (int i = 0; i < 6; i++) {
            admittedFrom(ATTACKER, victim); // each waits, silent, in its CLIENT_HELLO read
        }
        Socket staller = admittedFrom(ATTACKER, victim);
        staller.getOutputStream().write(Arrays.copyOf(clientHello(staller).bytes(), 100));
        staller.getOutputStream().flush();
        PeerConnectionService friend = service("friend", ConnectionSettings.forTests(VICTIM_HOST));
        long start = System.nanoTime();
        assertThat(friend.connect(VICTIM_HOST, victim.listenPort(), VICTIM.peerId()).created()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PATIENCE);
        await(() -> victim.handshakesInProgress() == 7);
        assertThat(victim.handshakesInProgress()).isEqualTo(7);
    }

    // ------------------------------------------------------------------ metric and log

    @Test
    void countsEveryRefusalByReasonButLogsOnePerSourceAMinute() throws Exception {
        PeerConnectionService victim = victim(settings().withHandshakeBudget(32, 1));
        try (LogCapture logs = LogCapture.of("io.peerlink.transport", "io.peerlink.messaging")) {
            admittedFrom(ATTACKER, victim);
            admittedFrom(OTHER, victim);
            for (int i = 0; i < 10; i++) {
                assertRefusedAtOnce(dialFrom(ATTACKER, victim));
            }
            assertRefusedAtOnce(dialFrom(OTHER, victim));
            await(() -> observer.count("max-handshakes-per-address") == 11);
            assertThat(observer.count("max-handshakes-per-address")).isEqualTo(11);
            assertThat(infoLines(logs, "Refused a connection from " + ATTACKER + ": already 1 handshakes in "
                    + "progress from this address (max-handshakes-per-address)")).isEqualTo(1);
            assertThat(infoLines(logs, "Refused a connection from " + OTHER)).isEqualTo(1);
            logs.assertNoStackTraces();
        }
    }

    // ------------------------------------------------------------------ apart from the other budgets

    @Test
    void outboundDialsAndEstablishedConnectionsDoNotCompeteWithInboundHandshakes() throws Exception {
        PeerConnectionService victim = victim(settings().withHandshakeBudget(2, 2).withMaxConnections(4));
        Socket first = admittedFrom(ATTACKER, victim);
        Socket second = admittedFrom(ATTACKER, victim);
        assertRefusedAtOnce(dialFrom(OTHER, victim));

        // the handshake budget is used up, yet the victim dials out
        PeerConnectionService friend = service("friend", ConnectionSettings.forTests(VICTIM_HOST));
        assertThat(victim.connect(VICTIM_HOST, friend.listenPort(), null).created()).isTrue();

        // established inbound connections give their handshake slot back
        first.close();
        second.close();
        await(() -> victim.handshakesInProgress() == 0);
        for (String name : List.of("carol", "dave")) {
            PeerConnectionService peer = service(name, ConnectionSettings.forTests(VICTIM_HOST));
            assertThat(peer.connect(VICTIM_HOST, victim.listenPort(), VICTIM.peerId()).created()).isTrue();
        }
        PeerConnectionServiceTest.awaitConnected(victim, 3);
        assertThat(victim.handshakesInProgress()).isZero();
        admittedFrom(ATTACKER, victim);
        admittedFrom(ATTACKER, victim);
        assertThat(victim.freeConnectionSlots()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ helpers

    private static ConnectionSettings settings() {
        return ConnectionSettings.forTests(VICTIM_HOST).withHandshakeTimeout(Duration.ofSeconds(10))
                .withHandshakeIdleTimeout(Duration.ofSeconds(10));
    }

    private PeerConnectionService victim(ConnectionSettings settings) throws IOException {
        PeerConnectionService s = new PeerConnectionService(VICTIM, settings, TestStores.fresh(), observer,
                Clock.systemUTC());
        services.add(s);
        s.start();
        return s;
    }

    private PeerConnectionService service(String name, ConnectionSettings settings) throws IOException {
        PeerConnectionService s = new PeerConnectionService(TestIdentities.named(name), settings, TestStores.fresh(),
                ConnectionObserver.NONE, Clock.systemUTC());
        services.add(s);
        s.start();
        return s;
    }

    private Socket dialFrom(String localHost, PeerConnectionService victim) throws IOException {
        Socket s = new Socket();
        clients.add(s);
        s.bind(new InetSocketAddress(localHost, 0));
        s.connect(new InetSocketAddress(VICTIM_HOST, victim.listenPort()), (int) PATIENCE.toMillis());
        s.setSoTimeout((int) PATIENCE.toMillis());
        s.setTcpNoDelay(true);
        return s;
    }

    /** Connects all {@code n} first, then the caller reads each one's outcome. */
    private List<Socket> dialBurst(String localHost, PeerConnectionService victim, int n) throws IOException {
        List<Socket> burst = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            burst.add(dialFrom(localHost, victim));
        }
        return burst;
    }

    private Socket admittedFrom(String localHost, PeerConnectionService victim) throws IOException {
        Socket s = dialFrom(localHost, victim);
        assertThat(admitted(s)).as("a connection from %s admitted", localHost).isTrue();
        return s;
    }

    /** Reads the victim's SERVER_HELLO (kept for {@link #clientHello}); false when it closed instead. */
    private boolean admitted(Socket s) {
        try {
            RawFrame hello = RawFrame.read(s.getInputStream(), WireConstants.MAX_HANDSHAKE_FRAME_LENGTH);
            if (hello == null) {
                return false;
            }
            hellos.put(s, hello);
            return true;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("neither SERVER_HELLO nor a close within " + PATIENCE.toMillis() + " ms", e);
        } catch (SocketException e) {
            return false; // reset
        } catch (IOException | ProtocolException e) {
            throw new AssertionError(e);
        }
    }


    /** A well-formed CLIENT_HELLO from Mallory for the SERVER_HELLO this socket received. */
    private RawFrame clientHello(Socket s) throws ProtocolException {
        Handshake client = new Handshake(Handshake.Role.CLIENT, MALLORY, new SecureRandom());
        client.consumeServerHello(hellos.remove(s));
        return client.createClientHello();
    }

    private void assertRefusedAtOnce(Socket s) {
        long start = System.nanoTime();
        assertThat(admitted(s)).as("refused").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("closed at once").isLessThan(Duration.ofSeconds(1));
    }

    /** How long until the victim closed {@code s}; fails after 5 s. */
    private static Duration awaitClosedByVictim(Socket s) throws IOException {
        long start = System.nanoTime();
        InputStream in = s.getInputStream();
        byte[] sink = new byte[4096];
        try {
            while (in.read(sink) >= 0) {
                // whatever the victim still sends
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the victim kept the connection open for " + PATIENCE.toMillis() + " ms");
        } catch (SocketException e) {
            // reset: closed as well
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Occupies the pool's one thread until {@code release} and fills its one queue place. */
    private static void fill(CryptoPool pool, CountDownLatch release) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        pool.execute(() -> {
            running.countDown();
            try {
                release.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(running.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        pool.execute(() -> {
        });
        assertThat(pool.full()).isTrue();
    }

    private static long infoLines(LogCapture logs, String fragment) {
        return logs.events().stream().filter(e -> e.getLevel() == Level.INFO)
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(fragment)).count();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closed already
        }
    }

    /** Counts inbound handshake failures and refusals by reason. */
    static final class Recorder implements ConnectionObserver {
        private final Map<String, AtomicInteger> failed = new ConcurrentHashMap<>();

        @Override
        public void handshakeFailed(Direction direction, String reason) {
            if (direction == Direction.INBOUND) {
                failed.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
            }
        }

        int count(String reason) {
            AtomicInteger n = failed.get(reason);
            return n == null ? 0 : n.get();
        }
    }
}
