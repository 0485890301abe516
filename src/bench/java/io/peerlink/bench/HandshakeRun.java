package io.peerlink.bench;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Full handshakes on new loopback connections, one at a time or from several concurrent clients.
 * One handshake is timed on the client from before {@code connect()} until the client has received
 * a one-byte message that the server sends once its own side of the handshake has returned: TCP
 * connect, both roles of the handshake and one message. Client and server run in this process and
 * share its cores. Closing the connection afterwards is not timed.
 */
final class HandshakeRun {

    private static final byte[] READY = {1};

    /**
     * @param rounds   measured rounds per concurrency level
     * @param perRound handshakes in one round (at least {@code 8 × concurrency} are done)
     * @param roundCap a round stops starting handshakes after this time
     */
    record Settings(int warmup, Duration warmupCap, int rounds, int perRound, Duration roundCap) {
    }

    /** Per round: p50 (ms) and handshakes/s; and every handshake's time (ns) in {@code all}. */
    record Outcome(int concurrency, double[] p50Millis, double[] perSecond, Histogram all, long handshakes,
            long fullServerHandshakes) {
    }

    private HandshakeRun() {
    }

    /**
     * Warms every transport up once, then measures each concurrency level in turn with the
     * transports interleaved: round 1 of each transport, round 2 of each, and so on, so that a burst
     * of other load lands on all of them alike. Outcomes in the order of {@code transports}; a
     * transport that failed has an exception instead.
     */
    static List<Object> run(List<Transport> transports, Settings settings, int... concurrencyLevels)
            throws Exception {
        List<LoopbackServer> servers = new ArrayList<>();
        try {
            for (Transport transport : transports) {
                servers.add(new LoopbackServer("hs-" + transport.name(), socket -> {
                    try (MessageChannel channel = transport.server(socket)) {
                        channel.send(READY);
                        // wait for the client to close (end of stream) or go away
                        while (channel.discard()) {
                            // nothing else arrives
                        }
                    }
                }));
            }
            int n = transports.size();
            List<Object> results = new ArrayList<>();
            List<List<Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                outcomes.add(new ArrayList<>());
                Object failure = null;
                try {
                    round(servers.get(i), transports.get(i), 1, settings.warmup(), settings.warmupCap(),
                            new Histogram(3));
                } catch (Exception e) {
                    failure = e;
                }
                results.add(failure);
            }
            for (int concurrency : concurrencyLevels) {
                int perRound = Math.max(settings.perRound(), 8 * concurrency);
                double[][] p50 = new double[n][settings.rounds()];
                double[][] perSecond = new double[n][settings.rounds()];
                Histogram[] all = new Histogram[n];
                long[] serverBefore = new long[n];
                long[] handshakes = new long[n];
                for (int i = 0; i < n; i++) {
                    all[i] = new Histogram(3);
                    serverBefore[i] = transports.get(i).fullServerHandshakes();
                }
                for (int r = 0; r < settings.rounds(); r++) {
                    for (int i = 0; i < n; i++) {
                        if (results.get(i) != null) {
                            continue;
                        }
                        try {
                            Histogram histogram = new Histogram(3);
                            long start = System.nanoTime();
                            int done = round(servers.get(i), transports.get(i), concurrency, perRound,
                                    settings.roundCap(), histogram);
                            long elapsed = System.nanoTime() - start;
                            p50[i][r] = histogram.getValueAtPercentile(50) / 1e6;
                            perSecond[i][r] = done * 1e9 / elapsed;
                            all[i].add(histogram);
                            handshakes[i] += done;
                        } catch (Exception e) {
                            results.set(i, e);
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    if (results.get(i) != null) {
                        continue;
                    }
                    // The server fetches its key before the client can finish, so every handshake of
                    // this level is already counted here.
                    long serverAfter = transports.get(i).fullServerHandshakes();
                    long full = serverBefore[i] < 0 ? -1 : serverAfter - serverBefore[i];
                    outcomes.get(i).add(new Outcome(concurrency, p50[i], perSecond[i], all[i], handshakes[i], full));
                }
            }
            for (int i = 0; i < n; i++) {
                if (results.get(i) == null && servers.get(i).failure() != null) {
                    results.set(i, new IOException("server side failed", servers.get(i).failure()));
                }
                if (results.get(i) == null) {
                    results.set(i, outcomes.get(i));
                }
            }
            return results;
        } finally {
            for (LoopbackServer server : servers) {
                server.close();
            }
        }
    }

    /** {@code count} handshakes shared among {@code concurrency} client threads; returns how many were done. */
    private static int round(LoopbackServer server, Transport transport, int concurrency, int count, Duration cap,
            Histogram into) throws Exception {
        transport.prepareHandshakes(count);
        AtomicInteger claimed = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long deadline = System.nanoTime() + cap.toNanos();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> clients = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            Histogram histogram = new Histogram(3);
            histograms.add(histogram);
            clients.add(Threads.start("hs-client-" + c, () -> {
                while (claimed.getAndIncrement() < count && System.nanoTime() < deadline && failure.get() == null) {
                    histogram.recordValue(handshake(server, transport));
                    done.incrementAndGet();
                }
            }, failure));
        }
        for (Thread client : clients) {
            if (!Threads.join(client, cap.toMillis() + 30_000)) {
                throw new IOException("handshake client did not finish");
            }
        }
        if (failure.get() != null) {
            throw new IOException("handshake failed", failure.get());
        }
        for (Histogram histogram : histograms) {
            into.add(histogram);
        }
        return done.get();
    }

    /** One timed handshake, in ns. */
    private static long handshake(LoopbackServer server, Transport transport) throws Exception {
        long start = System.nanoTime();
        try (Socket socket = server.connect(); MessageChannel channel = transport.client(socket)) {
            byte[] ready = channel.receive();
            long elapsed = System.nanoTime() - start;
            if (ready == null || ready.length != READY.length) {
                throw new IOException("no ready message after the handshake");
            }
            return elapsed;
        }
    }

    static double millis(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / (double) TimeUnit.MILLISECONDS.toNanos(1);
    }
}
