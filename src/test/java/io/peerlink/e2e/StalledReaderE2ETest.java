package io.peerlink.e2e;

import io.peerlink.support.Http;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.support.TestIdentities;
import io.peerlink.wire.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, proof 2: a peer that completes the handshake, then never reads while it sends MESSAGEs
 * as fast as it can (new ids, and one id again and again). The victim (the image's -Xmx256m) reads
 * it no faster than it can store and acknowledge, keeps its heap bounded, closes the connection
 * within the idle time-out once its writes stop progressing, and meanwhile two real peers keep
 * exchanging messages with it. Logs: {@code target/e2e/stalled-*.log}.
 */
@Tag("e2e")
class StalledReaderE2ETest {

    /** The victim's idle time-out (the default). */
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dataDirs;

    private static PeerProcess victim;
    private static PeerProcess b;
    private static PeerProcess c;

    @BeforeAll
    static void startPeers() throws IOException {
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        for (String host : List.of(E2e.hostA(), E2e.hostB(), E2e.hostC())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        victim = new PeerProcess("stalled-victim", E2e.hostA(), dataDirs.resolve("v"), null)
                .jvmOptions(E2e.imageJvmOptions());
        b = new PeerProcess("stalled-b", E2e.hostB(), dataDirs.resolve("b"), null);
        c = new PeerProcess("stalled-c", E2e.hostC(), dataDirs.resolve("c"), null);
        for (PeerProcess p : List.of(victim, b, c)) {
            p.deleteLog();
            p.start();
        }
        for (PeerProcess p : List.of(victim, b, c)) {
            p.awaitHealthy();
        }
    }

    @AfterAll
    static void killPeers() {
        Stream.of(victim, b, c).filter(p -> p != null).forEach(PeerProcess::kill);
    }

    @Test
    void aPeerThatNeverReadsIsClosedWithinTheIdleTimeOutWhileOthersKeepTalking() throws Exception {
        String idV = victim.peerId();
        String idB = b.peerId();
        String idC = c.peerId();
        b.json("POST", "/api/peers", Map.of("host", E2e.hostA(), "port", E2e.PEER_PORT), 201);
        c.json("POST", "/api/peers", Map.of("host", E2e.hostA(), "port", E2e.PEER_PORT), 201);

        AtomicLong peakHeap = new AtomicLong();
        AtomicLong lastProgress = new AtomicLong();
        AtomicLong closedAt = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        long attackStarted = System.nanoTime();
        io.peerlink.identity.Identity attackerIdentity = TestIdentities.named("stalled-reader");
        try (ProtocolPeer attacker = ProtocolPeer.connect(E2e.hostC(), E2e.hostA(), E2e.PEER_PORT,
                attackerIdentity)) {
            attacker.socket.setSoTimeout(0);
            // a stranger that dials in is a message request, cut off by the request quota (issue 17)
            // after 20 messages: the victim accepts it first, so that what must stop it here is the
            // stalled write, as it would a contact's
            String acceptPath = "/api/peers/" + attackerIdentity.peerId() + "/accept";
            E2e.await("the victim to accept the attacker as a contact", Duration.ofSeconds(30),
                    () -> victim.request("POST", acceptPath, null).statusCode() == 200, logs());
            Thread flood = Thread.ofVirtual().start(() -> {
                UUID repeated = UUID.randomUUID();
                String text = "z".repeat(200);
                try {
                    for (long i = 0; ; i++) {
                        // one new id in four (each costs the victim a commit), the others one id again and again
                        attacker.write(new Frame.Message(i % 4 == 0 ? UUID.randomUUID() : repeated,
                                System.currentTimeMillis(), text));
                        sent.incrementAndGet();
                        lastProgress.set(System.nanoTime());
                    }
                } catch (IOException e) {
                    closedAt.set(System.nanoTime());
                }
            });
            Thread sampler = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peakHeap.accumulateAndGet(BacklogE2ETest.heapUsed(victim), Math::max);
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });

            // meanwhile B and C exchange messages with the victim, both ways
            List<String> toV = new ArrayList<>();
            List<String> toC = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                toV.add(Http.text(Messaging.send(b, idV, "from b " + round), "id"));
                toC.add(Http.text(Messaging.send(victim, idC, "to c " + round), "id"));
                E2e.sleep(500);
            }
            Messaging.awaitDelivered(b, idV, toV, DELIVERY_TIMEOUT, id -> id, logs());
            Messaging.awaitDelivered(victim, idC, toC, DELIVERY_TIMEOUT, id -> id, logs());

            // once the attacker's writes have stopped progressing (and before the close): the live heap
            long liveHeap = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (closedAt.get() == 0 && System.nanoTime() < deadline) {
                if (lastProgress.get() != 0 && System.nanoTime() - lastProgress.get() > 2_000_000_000L) {
                    liveHeap = BacklogE2ETest.liveHeap(victim);
                    break;
                }
                E2e.sleep(200);
            }
            flood.join(Duration.ofSeconds(120));
            sampler.interrupt();
            sampler.join();
            assertThat(closedAt.get()).as("the victim closed the connection of the peer that never reads "
                    + "(%d MESSAGEs written)\n%s", sent.get(), logs().get()).isNotZero();
            double stalledFor = (closedAt.get() - lastProgress.get()) / 1e9;
            assertThat(stalledFor).as("seconds from the attacker's last write that progressed to the close")
                    .isLessThan(IDLE_TIMEOUT.toSeconds() + 10);
            System.out.printf(java.util.Locale.ROOT, "stalled reader: %d MESSAGEs written, closed %.1f s after the "
                    + "last progress (%.1f s after the start); victim's live heap while stalled %.1f MiB, peak heap "
                    + "used %.1f MiB (-Xmx256m)%n", sent.get(), stalledFor, (closedAt.get() - attackStarted) / 1e9,
                    liveHeap / 1048576.0, peakHeap.get() / 1048576.0);
            assertThat(liveHeap).as("the victim's live heap (after a full GC) while the attacker's writes were "
                    + "stalled, bytes").isPositive().isLessThan(BacklogE2ETest.LIVE_HEAP_BOUND);
        }
        assertThat(victim.isAlive()).isTrue();
        assertThat(Files.readString(victim.log())).as("the victim's log").doesNotContain("OutOfMemoryError");
        assertThat(victim.peerState(idB)).isEqualTo("CONNECTED");
        assertThat(victim.peerState(idC)).isEqualTo("CONNECTED");
    }

    private static Supplier<String> logs() {
        return () -> victim.logTail() + "\n" + b.logTail() + "\n" + c.logTail();
    }
}
