package io.peerlink.e2e;

import io.peerlink.support.Http;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.e2e.Messaging.InboxRead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 16, proof 1: a backlog larger than the heap drains. backlog-a runs the packaged jar with the
 * Docker image's JVM options ({@code src/main/docker/jvm.options}: -Xmx256m); backlog-b is offline
 * while A accepts 6,000 messages of 60 KiB for it (about 350 MiB), then starts. A must not run out
 * of memory, B's inbox must hold each message once in A's order, and A must report each DELIVERED,
 * within 5 minutes of B's start. Logs: {@code target/e2e/backlog-*.log}.
 */
@Tag("e2e")
class BacklogE2ETest {

    private static final int MESSAGES = 6000;
    private static final int TEXT_BYTES = 60 * 1024;
    private static final int SENDERS = 8;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    /**
     * The live heap a sender may hold while it drains any backlog: about 20 MiB idle, plus the
     * per-connection bounds of PeerConnection (4 MiB of messages in flight, buffers).
     */
    static final long LIVE_HEAP_BOUND = 96L * 1024 * 1024;

    @TempDir
    static Path dataDirs;

    private static PeerProcess a;
    private static PeerProcess b;
    private static final Map<String, String> LABELS = new ConcurrentHashMap<>();

    @BeforeAll
    static void startPeers() throws IOException {
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        for (String host : List.of(E2e.hostA(), E2e.hostB())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        List<String> image = E2e.imageJvmOptions();
        assertThat(image).as("the image's JVM options").contains("-Xmx256m");
        a = new PeerProcess("backlog-a", E2e.hostA(), dataDirs.resolve("a"), null).jvmOptions(image);
        b = new PeerProcess("backlog-b", E2e.hostB(), dataDirs.resolve("b"), null);
        a.deleteLog();
        b.deleteLog();
        a.start();
        b.start();
        a.awaitHealthy();
        b.awaitHealthy();
    }

    @AfterAll
    static void killPeers() {
        Stream.of(a, b).filter(p -> p != null).forEach(PeerProcess::kill);
    }

    @Test
    void aBacklogOfSixThousandSixtyKibMessagesDrainsInBoundedHeapExactlyOnceInOrder() throws Exception {
        String idA = a.peerId();
        String idB = b.peerId();
        a.json("POST", "/api/peers", Map.of("host", E2e.hostB(), "port", E2e.PEER_PORT), 201);
        b.stop();
        E2e.await("A to notice that B stopped", Duration.ofSeconds(60), () -> "DISCONNECTED".equals(a.peerState(idB)),
                logs());

        // A accepts the backlog (concurrent senders); the expected order is A's cursor order
        record Accepted(String id, long cursor) {
        }
        List<Accepted> accepted = new ArrayList<>();
        try (ExecutorService senders = Executors.newFixedThreadPool(SENDERS)) {
            List<Future<Accepted>> sends = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                String head = "backlog %05d ".formatted(i);
                String text = head + "x".repeat(TEXT_BYTES - head.length());
                sends.add(senders.submit(() -> {
                    JsonNode m = Messaging.send(a, idB, text);
                    LABELS.put(Http.text(m, "id"), head.strip());
                    return new Accepted(Http.text(m, "id"), Http.number(m, "cursor"));
                }));
            }
            for (Future<Accepted> f : sends) {
                accepted.add(f.get());
            }
        }
        List<String> expected = accepted.stream().sorted(Comparator.comparingLong(Accepted::cursor))
                .map(Accepted::id).toList();
        assertThat(undelivered(a, idB)).as("undelivered at A before B starts").isEqualTo(MESSAGES);

        long started = System.nanoTime();
        AtomicLong peakHeap = new AtomicLong();
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakHeap.accumulateAndGet(heapUsed(a), Math::max);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        b.start();
        b.awaitHealthy();
        // B's user connects A at once (A would dial B by itself too, but its back-off may be minutes by now)
        b.json("POST", "/api/peers", Map.of("host", E2e.hostA(), "port", E2e.PEER_PORT), 201);
        // half-way through the drain: the heap that is live
        E2e.await("half of the backlog delivered", DRAIN_TIMEOUT, () -> undelivered(a, idB) <= MESSAGES / 2, logs());
        long liveHeap = liveHeap(a);
        InboxRead inbox = Messaging.awaitInbox(b, 0, expected, DRAIN_TIMEOUT);
        Messaging.assertExactlyOnceInOrder("B's inbox against the " + MESSAGES + " messages A accepted while B was "
                + "offline", expected, inbox.ids(), BacklogE2ETest::label, logs());
        assertThat(inbox.messages()).extracting(m -> Http.text(m, "from")).containsOnly(idA);
        E2e.await("A to report every message DELIVERED (undelivered 0)",
                DRAIN_TIMEOUT.minusNanos(System.nanoTime() - started), () -> undelivered(a, idB) == 0, logs());
        long drained = System.nanoTime() - started;
        sampler.interrupt();
        sampler.join();

        Map<String, String> statuses = Messaging.outboundStatuses(a, idB);
        assertThat(statuses.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(statuses.values()).as("A's statuses of its messages to B").containsOnly("DELIVERED");
        assertThat(drained).as("drain time (ns) from B's start").isLessThan(DRAIN_TIMEOUT.toNanos());
        assertThat(a.isAlive()).as("A is alive").isTrue();
        assertThat(Files.readString(a.log())).as("A's log").doesNotContain("OutOfMemoryError");
        System.out.printf(java.util.Locale.ROOT, "backlog: %d x %d KiB drained in %.1f s; A's live heap half-way "
                + "%.1f MiB, peak heap used %.1f MiB (-Xmx256m)%n", MESSAGES, TEXT_BYTES / 1024, drained / 1e9,
                liveHeap / 1048576.0, peakHeap.get() / 1048576.0);
        assertThat(liveHeap).as("A's live heap (after a full GC) half-way through the drain, bytes").isPositive()
                .isLessThan(LIVE_HEAP_BOUND);
    }

    /** {@code undelivered} of {@code peerId} at {@code peer} (GET /api/peers/{id}). */
    static int undelivered(PeerProcess peer, String peerId) {
        return (int) Http.number(peer.json("GET", "/api/peers/" + peerId, null, 200), "undelivered");
    }

    /** Heap in use now ({@code jvm.memory.used}, area heap), 0 when the peer does not answer. */
    static long heapUsed(PeerProcess peer) {
        try {
            var r = peer.get("/actuator/metrics/jvm.memory.used?tag=area:heap");
            if (r.statusCode() != 200) {
                return 0;
            }
            return (long) Http.parse(r.body()).get("measurements").get(0).get("value").asDouble();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The heap that is live: a full collection first ({@code jcmd <pid> GC.run}), then
     * {@link #heapUsed}. 0 when either fails.
     */
    static long liveHeap(PeerProcess peer) {
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(peer.pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return 0;
            }
            return heapUsed(peer);
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static String label(String id) {
        return LABELS.getOrDefault(id, "?") + " (" + id + ")";
    }

    private static Supplier<String> logs() {
        return () -> a.logTail() + "\n" + b.logTail();
    }
}
