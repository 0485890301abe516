package io.peerlink.e2e;

import io.peerlink.support.Http;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.identity.Identity;
import io.peerlink.support.TestIdentities;
import io.peerlink.wire.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 16, proof 3: 1,000 messages queued for each of 10 offline peers, and all 10 come back at
 * once. The sender runs the packaged jar with the image's JVM options (-Xmx256m); the 10 peers are
 * protocol-level clients in this JVM (a real handshake each, from a source address of its own; they
 * ACK every MESSAGE as a peer does once it stored it). Each must get its messages exactly once, in
 * the sender's order. Logs: {@code target/e2e/fleet-*.log}.
 */
@Tag("e2e")
class FleetReturnsE2ETest {

    private static final int PEERS = 10;
    private static final int MESSAGES = 1000;
    private static final int TEXT_BYTES = 1024;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path dataDirs;

    private static PeerProcess sender;

    @BeforeAll
    static void startSender() throws IOException {
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        E2e.requireFree(E2e.hostA(), E2e.PEER_PORT);
        E2e.requireFree(E2e.hostA(), E2e.API_PORT);
        sender = new PeerProcess("fleet-sender", E2e.hostA(), dataDirs.resolve("a"), null)
                .jvmOptions(E2e.imageJvmOptions());
        sender.deleteLog();
        sender.start();
        sender.awaitHealthy();
    }

    @AfterAll
    static void killSender() {
        if (sender != null) {
            sender.kill();
        }
    }

    @Test
    void tenPeersComingBackAtOnceEachGetTheirThousandMessagesOnceInOrder() throws Exception {
        List<String> sources = E2e.extraSources(PEERS);
        List<Identity> fleet = new ArrayList<>();
        for (int i = 0; i < PEERS; i++) {
            Identity id = TestIdentities.named("fleet-" + i);
            fleet.add(id);
            // one handshake makes it a known peer of the sender; then it goes offline
            try (ProtocolPeer p = ProtocolPeer.connect(sources.get(i), E2e.hostA(), E2e.PEER_PORT, id)) {
                E2e.await("the sender to know fleet-" + i, Duration.ofSeconds(30),
                        () -> "CONNECTED".equals(sender.peerState(id.peerId())), sender::logTail);
            }
        }
        for (Identity id : fleet) {
            E2e.await("the sender to see " + id.peerId() + " gone", Duration.ofSeconds(30),
                    () -> "DISCONNECTED".equals(sender.peerState(id.peerId())), sender::logTail);
        }

        // 1,000 messages for each, accepted while they are all offline; expected order: the sender's cursors
        record Accepted(String id, long cursor) {
        }
        List<List<String>> expected = new ArrayList<>();
        try (ExecutorService senders = Executors.newFixedThreadPool(8)) {
            List<List<Future<Accepted>>> sends = new ArrayList<>();
            for (int p = 0; p < PEERS; p++) {
                String to = fleet.get(p).peerId();
                List<Future<Accepted>> forPeer = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++) {
                    String head = "fleet %d message %04d ".formatted(p, i);
                    String text = head + "y".repeat(TEXT_BYTES - head.length());
                    forPeer.add(senders.submit(() -> {
                        JsonNode m = Messaging.send(sender, to, text);
                        return new Accepted(Http.text(m, "id"), Http.number(m, "cursor"));
                    }));
                }
                sends.add(forPeer);
            }
            for (List<Future<Accepted>> forPeer : sends) {
                List<Accepted> done = new ArrayList<>();
                for (Future<Accepted> f : forPeer) {
                    done.add(f.get());
                }
                expected.add(done.stream().sorted(Comparator.comparingLong(Accepted::cursor)).map(Accepted::id)
                        .toList());
            }
        }

        AtomicLong peakHeap = new AtomicLong();
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakHeap.accumulateAndGet(BacklogE2ETest.heapUsed(sender), Math::max);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long started = System.nanoTime();
        List<List<String>> received = new ArrayList<>();
        long liveHeap;
        try (ExecutorService fleetThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<String>>> comebacks = new ArrayList<>();
            for (int p = 0; p < PEERS; p++) {
                String source = sources.get(p);
                Identity id = fleet.get(p);
                comebacks.add(fleetThreads.submit(() -> receive(source, id, MESSAGES)));
            }
            // half-way through: the heap that is live
            E2e.await("half of the 10,000 messages delivered", DRAIN_TIMEOUT,
                    () -> fleet.stream().mapToInt(id -> BacklogE2ETest.undelivered(sender, id.peerId())).sum()
                            <= PEERS * MESSAGES / 2, sender::logTail);
            liveHeap = BacklogE2ETest.liveHeap(sender);
            for (Future<List<String>> f : comebacks) {
                received.add(f.get(DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
        }
        long drained = System.nanoTime() - started;
        for (int p = 0; p < PEERS; p++) {
            Messaging.assertExactlyOnceInOrder("what fleet-" + p + " received", expected.get(p), received.get(p),
                    id -> id, sender::logTail);
        }
        for (Identity id : fleet) {
            E2e.await("the sender to see every message to " + id.peerId() + " acknowledged", Duration.ofSeconds(60),
                    () -> BacklogE2ETest.undelivered(sender, id.peerId()) == 0, sender::logTail);
        }
        sampler.interrupt();
        sampler.join();
        assertThat(sender.isAlive()).isTrue();
        assertThat(Files.readString(sender.log())).as("the sender's log").doesNotContain("OutOfMemoryError");
        System.out.printf(java.util.Locale.ROOT, "fleet: %d peers x %d messages of %d bytes drained in %.1f s; the "
                + "sender's live heap half-way %.1f MiB, peak heap used %.1f MiB (-Xmx256m)%n", PEERS, MESSAGES,
                TEXT_BYTES, drained / 1e9, liveHeap / 1048576.0, peakHeap.get() / 1048576.0);
        assertThat(liveHeap).as("the sender's live heap (after a full GC) half-way, bytes").isPositive()
                .isLessThan(BacklogE2ETest.LIVE_HEAP_BOUND);
    }

    /**
     * Connects as {@code id} and reads MESSAGEs, acknowledging each (as a peer does once it stored
     * it), until {@code count} distinct ones arrived and a second passed without more; returns
     * every id received, copies included, in arrival order.
     */
    private static List<String> receive(String source, Identity id, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        java.util.Set<String> distinct = new java.util.HashSet<>();
        try (ProtocolPeer p = ProtocolPeer.connect(source, E2e.hostA(), E2e.PEER_PORT, id)) {
            while (true) {
                p.socket.setSoTimeout(distinct.size() >= count ? 1000 : (int) DRAIN_TIMEOUT.toMillis());
                Frame f;
                try {
                    f = p.read();
                } catch (java.net.SocketTimeoutException e) {
                    return ids; // all there, and nothing more came
                }
                if (f == null || f instanceof Frame.Close) {
                    return ids;
                }
                if (f instanceof Frame.Message m) {
                    ids.add(m.id().toString());
                    distinct.add(m.id().toString());
                    p.write(new Frame.Ack(m.id()));
                }
            }
        }
    }
}
