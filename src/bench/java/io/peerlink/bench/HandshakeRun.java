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

    /** Warms up once, then measures each concurrency level in turn. */
    static List<Outcome> run(Transport transport, Settings settings, int... concurrencyLevels) throws Exception {
        AtomicReference<Throwable> serverFailure = new AtomicReference<>();
        try (LoopbackServer server = new LoopbackServer("hs-" + transport.name(), socket -> {
            try (MessageChannel channel = transport.server(socket)) {
                channel.send(READY);
                // wait for the client to close (end of stream) or go away
                while (channel.discard()) {
                    // nothing else arrives
                }
            }
        })) {
            round(server, transport, 1, settings.warmup(), settings.warmupCap(), new Histogram(3));
            List<Outcome> outcomes = new ArrayList<>();
            for (int concurrency : concurrencyLevels) {
                int perRound = Math.max(settings.perRound(), 8 * concurrency);
                double[] p50 = new double[settings.rounds()];
                double[] perSecond = new double[settings.rounds()];
                Histogram all = new Histogram(3);
                long serverBefore = transport.fullServerHandshakes();
                long handshakes = 0;
                for (int r = 0; r < settings.rounds(); r++) {
                    Histogram histogram = new Histogram(3);
                    long start = System.nanoTime();
                    int done = round(server, transport, concurrency, perRound, settings.roundCap(), histogram);
                    long elapsed = System.nanoTime() - start;
                    p50[r] = histogram.getValueAtPercentile(50) / 1e6;
                    perSecond[r] = done * 1e9 / elapsed;
                    all.add(histogram);
                    handshakes += done;
                }
                // The server fetches its key before the client can finish, so every handshake of
                // this level is already counted here.
                long serverAfter = transport.fullServerHandshakes();
                long full = serverBefore < 0 ? -1 : serverAfter - serverBefore;
                outcomes.add(new Outcome(concurrency, p50, perSecond, all, handshakes, full));
            }
            if (server.failure() != null) {
                throw new IOException("server side failed", server.failure());
            }
            return outcomes;
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
