package io.peerlink.bench;

import io.peerlink.crypto.CryptoProviders;
import io.peerlink.handshake.Handshake;
import io.peerlink.handshake.HandshakeDriver;
import io.peerlink.handshake.Session;
import io.peerlink.identity.Identity;
import io.peerlink.wire.RawFrame;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Where the time of one sequential handshake goes (issue 12): not part of {@code -Pbench verify}, run
 * by hand with the bench class path:
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp target/test-classes:target/classes:$(cat cp.txt) \
 *       io.peerlink.bench.HandshakeProfile [rounds] [per-round]
 * </pre>
 * Per round, for each subject in turn (so a burst of load falls on all of them): {@code per-round}
 * handshakes over loopback sockets, timed as the bench times them (connect until the client has the
 * server's first record), and the same handshake's steps in memory without sockets or threads, timed
 * step by step. Subjects: the providers (ACCP's RSA-OAEP decryption or the JDK's) and where the
 * server's CPU steps run (a pool thread, as the product's CryptoPool, or the connection's own thread).
 * Prints the medians per round and over all rounds.
 */
public final class HandshakeProfile {

    private static final String[] STEPS = {"createServerHello", "consumeServerHello", "createClientHello",
        "consumeClientHello", "createServerFinish", "consumeServerFinish", "createClientFinish",
        "consumeClientFinish", "split"};

    private record Subject(String name, CryptoProviders.Setting crypto, boolean pooled) {
    }

    private HandshakeProfile() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        Identity server = identity();
        Identity client = identity();
        SecureRandom random = new SecureRandom();
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
                Thread.ofPlatform().name("profile-crypto-", 0).daemon().factory());
        List<Subject> subjects = List.of(
                new Subject("accp, pool", CryptoProviders.Setting.AUTO, true),
                new Subject("jdk, pool", CryptoProviders.Setting.JDK, true),
                new Subject("accp, inline", CryptoProviders.Setting.AUTO, false));
        Map<String, List<Double>> socketMedians = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> stepMedians = new LinkedHashMap<>();
        for (Subject s : subjects) {
            socketMedians.put(s.name(), new ArrayList<>());
            stepMedians.put(s.name(), new LinkedHashMap<>());
        }
        try (LoopbackServer pooled = serve(server, random, pool);
                LoopbackServer inline = serve(server, random, null)) {
            // warm-up: every subject, untimed, until the JIT has compiled the handshake
            for (int w = 0; w < 3; w++) {
                for (Subject s : subjects) {
                    CryptoProviders.configure(s.crypto());
                    sockets(s.pooled() ? pooled : inline, client, random, perRound);
                    steps(server, client, random, perRound / 2);
                }
            }
            for (int r = 0; r < rounds; r++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d (load %.2f):", r,
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
                for (Subject s : subjects) {
                    CryptoProviders.configure(s.crypto());
                    double socket = median(sockets(s.pooled() ? pooled : inline, client, random, perRound));
                    socketMedians.get(s.name()).add(socket);
                    Map<String, double[]> steps = steps(server, client, random, perRound);
                    double sum = 0;
                    for (String step : STEPS) {
                        double m = median(steps.get(step));
                        stepMedians.get(s.name()).computeIfAbsent(step, k -> new ArrayList<>()).add(m);
                        sum += m;
                    }
                    line.append(String.format(Locale.ROOT, "  [%s] sockets %.2f ms, steps %.2f ms", s.name(), socket,
                            sum));
                }
                System.out.println(line);
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println();
        for (Subject s : subjects) {
            System.out.printf(Locale.ROOT, "%s: sockets p50 %.2f ms (median of %d rounds)%n", s.name(),
                    median(socketMedians.get(s.name())), rounds);
            double sum = 0;
            for (String step : STEPS) {
                double m = median(stepMedians.get(s.name()).get(step));
                sum += m;
                System.out.printf(Locale.ROOT, "    %-20s %7.3f ms%n", step, m);
            }
            System.out.printf(Locale.ROOT, "    %-20s %7.3f ms; not in the steps: %.2f ms%n", "sum of steps", sum,
                    median(socketMedians.get(s.name())) - sum);
        }
    }

    private static Identity identity() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(3072);
        return new Identity(g.generateKeyPair());
    }

    /** A server that runs the handshake on each connection, its CPU steps on {@code pool} (null: inline). */
    private static LoopbackServer serve(Identity server, SecureRandom random, ExecutorService pool) throws Exception {
        return new LoopbackServer("profile", socket -> {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            Session session = HandshakeDriver.server(socket, in, out, server, random, Duration.ofSeconds(10),
                    Duration.ofSeconds(10), pool == null ? Runnable::run : pool);
            out.write(1);
            out.flush();
            session.sendCipher().destroy();
            session.receiveCipher().destroy();
            while (in.read() >= 0) {
                // until the client closes
            }
        });
    }

    /** {@code n} timed handshakes over sockets, in ms. */
    private static double[] sockets(LoopbackServer server, Identity client, SecureRandom random, int n)
            throws Exception {
        double[] times = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            try (Socket socket = server.connect()) {
                InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
                OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
                Session session = HandshakeDriver.client(socket, in, out, client, random, Duration.ofSeconds(10),
                        peer -> true);
                if (in.read() != 1) {
                    throw new IllegalStateException("no ready byte after the handshake");
                }
                times[i] = (System.nanoTime() - start) / 1e6;
                session.sendCipher().destroy();
                session.receiveCipher().destroy();
            }
        }
        if (server.failure() != null) {
            throw new IllegalStateException("server failed", server.failure());
        }
        return times;
    }

    /** {@code n} handshakes in memory, each step timed, in ms. */
    private static Map<String, double[]> steps(Identity server, Identity client, SecureRandom random, int n)
            throws Exception {
        Map<String, double[]> times = new LinkedHashMap<>();
        for (String step : STEPS) {
            times.put(step, new double[n]);
        }
        for (int i = 0; i < n; i++) {
            Handshake s = new Handshake(Handshake.Role.SERVER, server, random);
            Handshake c = new Handshake(Handshake.Role.CLIENT, client, random);
            long t0 = System.nanoTime();
            RawFrame sh = s.createServerHello();
            long t1 = System.nanoTime();
            c.consumeServerHello(sh);
            long t2 = System.nanoTime();
            RawFrame ch = c.createClientHello();
            long t3 = System.nanoTime();
            s.consumeClientHello(ch);
            long t4 = System.nanoTime();
            RawFrame sf = s.createServerFinish();
            long t5 = System.nanoTime();
            c.consumeServerFinish(sf);
            long t6 = System.nanoTime();
            RawFrame cf = c.createClientFinish();
            long t7 = System.nanoTime();
            s.consumeClientFinish(cf);
            long t8 = System.nanoTime();
            s.split();
            c.split();
            long t9 = System.nanoTime();
            long[] marks = {t0, t1, t2, t3, t4, t5, t6, t7, t8, t9};
            for (int k = 0; k < STEPS.length; k++) {
                times.get(STEPS[k])[i] = (marks[k + 1] - marks[k]) / 1e6;
            }
        }
        return times;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
