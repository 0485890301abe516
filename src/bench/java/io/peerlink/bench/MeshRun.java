package io.peerlink.bench;

import io.peerlink.transport.PeerConnectionException;
import io.peerlink.store.StoredMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issue 12, "Scale", third item: {@value #PEERS} peers in this JVM, each a {@link
 * io.peerlink.messaging.PeerConnectionService} on its own loopback address with its own data
 * directory (RSA-3072 identity, SQLite store) as the product wires it ({@link BenchPeers}), all
 * with the product's default settings. Each peer dials every peer before it, one dial at a time,
 * all peers at once; then each sends one message to every other. The mesh must have all
 * {@value #LINKS} connections, and every peer must receive exactly one message from each other
 * peer: no duplicate, none missing, or the part fails.
 */
final class MeshRun {

    static final String AREA = "scale: 20-peer mesh, one JVM";
    static final int PEERS = 20;
    static final int LINKS = PEERS * (PEERS - 1) / 2;
    static final String HOST_PREFIX = System.getProperty("bench.mesh.hosts", "127.0.3.");
    static final int HOST_FIRST = Integer.getInteger("bench.mesh.first", 100);
    static final int PORT = 5555;
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int DIAL_ATTEMPTS = 3;

    private MeshRun() {
    }

    static void run(Path directory, Results results) {
        List<BenchPeers.Peer> peers = new ArrayList<>();
        try {
            Path work = ScaleRun.fresh(directory.resolve("scale").resolve("mesh"));
            BenchPeers.Peer[] started = new BenchPeers.Peer[PEERS];
            parallel(PEERS, i -> {
                Path dataDir = work.resolve("peer-" + i);
                BenchKeys.identity(ScaleRun.keys(directory), "mesh-" + i, 3072, dataDir);
                started[i] = BenchPeers.start(Map.of("listen-host", host(i), "listen-port", Integer.toString(PORT),
                        "data-dir", dataDir.toString()));
            });
            peers.addAll(List.of(started));

            AtomicInteger retries = new AtomicInteger();
            long t0 = System.nanoTime();
            parallel(PEERS, i -> {
                for (int j = 0; j < i; j++) {
                    for (int attempt = 1; ; attempt++) {
                        try {
                            peers.get(i).service().connect(host(j), PORT, null);
                            break;
                        } catch (PeerConnectionException e) {
                            // a refusal under load (crypto pool full, handshake budget): dial again, counted
                            if (attempt == DIAL_ATTEMPTS) {
                                throw e;
                            }
                            retries.incrementAndGet();
                            Thread.sleep(200L * attempt);
                        }
                    }
                }
            });
            awaitAll(peers, p -> p.service().connectedCount() == PEERS - 1, "every peer connected to "
                    + (PEERS - 1) + " others");
            double upSeconds = (System.nanoTime() - t0) / 1e9;
            results.add(AREA, "peerlink", "all " + LINKS + " connections up", "s", upSeconds, String.format(
                    Locale.ROOT, "%d PeerConnectionServices on %s%d–%d:%d, own data dir each (RSA-3072 identity, "
                            + "SQLite store), product defaults; each dials every lower one, one dial at a time, all "
                            + "at once; %d dial(s) repeated after a refusal", PEERS, HOST_PREFIX, HOST_FIRST,
                    HOST_FIRST + PEERS - 1, PORT, retries.get()));
            BenchMain.progress("scale: mesh of %d peers, %d connections up in %.2f s (%d retries)", PEERS, LINKS,
                    upSeconds, retries.get());

            long t1 = System.nanoTime();
            parallel(PEERS, i -> {
                for (int j = 0; j < PEERS; j++) {
                    if (j != i) {
                        peers.get(i).service().send(peers.get(j).service().identity().peerId(), text(i, j));
                    }
                }
            });
            awaitAll(peers, p -> inbound(p).size() >= PEERS - 1 && p.store().messages().undeliveredTotal() == 0,
                    "every peer received " + (PEERS - 1) + " messages and had its own acknowledged");
            double broadcastSeconds = (System.nanoTime() - t1) / 1e9;
            Thread.sleep(1_000); // a duplicate would show up now
            List<String> wrong = exactlyOnce(peers);
            if (!wrong.isEmpty()) {
                throw new IllegalStateException("broadcast not delivered exactly once: " + String.join("; ", wrong));
            }
            results.add(AREA, "peerlink", "broadcast, " + PEERS + " × " + (PEERS - 1) + " messages", "s",
                    broadcastSeconds, "each peer sends one message to every other (send returns after its commit), "
                            + "until every receiver has stored " + (PEERS - 1) + " and every sender holds all its "
                            + "ACKs; exactly once: checked again 1 s later, one from each other peer at each, "
                            + "no duplicate, none missing");
            BenchMain.progress("scale: mesh broadcast of %d messages delivered exactly once in %.2f s",
                    PEERS * (PEERS - 1), broadcastSeconds);
        } catch (Exception e) {
            BenchMain.progress("scale: mesh FAILED: %s", e);
            results.failed(AREA, "peerlink", "20-peer mesh", e);
        } finally {
            try {
                parallel(peers.size(), i -> peers.get(i).close());
            } catch (Exception e) {
                BenchMain.progress("scale: closing the mesh failed: %s", e);
            }
        }
    }

    static String host(int i) {
        return HOST_PREFIX + (HOST_FIRST + i);
    }

    private static String text(int from, int to) {
        return "mesh broadcast from " + from + " to " + to;
    }

    private static List<StoredMessage> inbound(BenchPeers.Peer p) {
        return p.store().messages().inboundAfter(0, 10 * PEERS, null);
    }

    /** What is wrong with the received messages; empty when each peer has one from every other. */
    private static List<String> exactlyOnce(List<BenchPeers.Peer> peers) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < peers.size(); i++) {
            index.put(peers.get(i).service().identity().peerId(), i);
        }
        List<String> wrong = new ArrayList<>();
        for (int j = 0; j < peers.size(); j++) {
            List<StoredMessage> got = inbound(peers.get(j));
            Set<Integer> senders = new HashSet<>();
            for (StoredMessage m : got) {
                Integer from = index.get(m.peerId());
                if (from == null || !m.text().equals(text(from, j))) {
                    wrong.add("peer " + j + " got an unexpected message from " + m.peerId());
                } else if (!senders.add(from)) {
                    wrong.add("peer " + j + " got the message from " + from + " twice");
                }
            }
            if (got.size() != PEERS - 1 || senders.size() != PEERS - 1) {
                wrong.add("peer " + j + " has " + got.size() + " messages from " + senders.size() + " peers, not "
                        + (PEERS - 1));
            }
        }
        return wrong;
    }

    private static void awaitAll(List<BenchPeers.Peer> peers, java.util.function.Predicate<BenchPeers.Peer> done,
            String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!peers.stream().allMatch(done)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + PATIENCE.toSeconds() + " s: " + what);
            }
            Thread.sleep(5);
        }
    }

    private interface Task {
        void run(int i) throws Exception;
    }

    /** Runs {@code task(0..n-1)} on virtual threads and waits for all; rethrows the first failure. */
    private static void parallel(int n, Task task) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            threads.add(Thread.ofVirtual().name("mesh-" + i).start(() -> {
                try {
                    task.run(k);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        for (Thread t : threads) {
            if (!t.join(PATIENCE.plusSeconds(30))) {
                throw new IllegalStateException(t.getName() + " did not finish");
            }
        }
        if (failure.get() instanceof Exception e) {
            throw e;
        } else if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
    }
}
