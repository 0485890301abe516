package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.e2e.Messaging.InboxRead;
import io.peerlink.support.Http;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 8: messages accepted for a peer that is down survive a crash of the sender, and flow by
 * themselves once both run again. queued-a (first host) dials queued-b (second host) once through
 * the API; after that, only the peer A stored makes A dial B: A is never started with
 * {@code PEERLINK_CONNECT}. Logs: {@code target/e2e/queued-*.log}.
 */
@Tag("e2e")
class QueuedMessagesE2ETest {

    private static final int MESSAGES = 1000;
    private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    static Path dataDirs;

    private static PeerProcess a;
    private static PeerProcess b;
    private static final Map<String, String> TEXTS = new ConcurrentHashMap<>();

    @BeforeAll
    static void startPeers() throws IOException {
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        for (String host : List.of(E2e.hostA(), E2e.hostB())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        a = new PeerProcess("queued-a", E2e.hostA(), dataDirs.resolve("a"), null);
        b = new PeerProcess("queued-b", E2e.hostB(), dataDirs.resolve("b"), null);
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
    void messagesQueuedForAPeerThatIsDownSurviveASenderCrashAndArriveOnceInOrderWithoutAnyCall() throws IOException {
        String idA = a.peerId();
        String idB = b.peerId();
        JsonNode dialled = a.json("POST", "/api/peers", Map.of("host", E2e.hostB(), "port", E2e.PEER_PORT), 201);
        assertThat(Http.text(dialled, "peerId")).isEqualTo(idB);

        b.stop();
        E2e.await("A to notice that B stopped", RECONNECT_TIMEOUT, () -> "DISCONNECTED".equals(a.peerState(idB)),
                logs());
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            String text = "queued %04d".formatted(i);
            JsonNode m = Messaging.send(a, idB, text);
            assertThat(Http.text(m, "status")).as("status of %s, for a peer that is down", text).isEqualTo("QUEUED");
            TEXTS.put(Http.text(m, "id"), text);
            accepted.add(Http.text(m, "id"));
        }

        a.kill();
        a.restart();   // same data dir, still without PEERLINK_CONNECT
        // what A knows survived its crash: the peer (not connected, B is down) and every queued message
        JsonNode peers = a.json("GET", "/api/peers", null, 200);
        assertThat(peers.size()).as("peers A lists after its restart: %s", peers).isEqualTo(1);
        assertThat(Http.text(peers.get(0), "peerId")).isEqualTo(idB);
        assertThat(Http.text(peers.get(0), "state")).isEqualTo("DISCONNECTED");
        Map<String, String> statuses = Messaging.outboundStatuses(a, idB);
        assertThat(statuses.keySet()).as("messages A lists for B after its crash").containsExactlyInAnyOrderElementsOf(
                accepted);
        assertThat(statuses.values()).as("their states").containsOnly("QUEUED");

        b.restart();
        // from here on only polls: A must dial B by itself
        InboxRead inbox = Messaging.awaitInbox(b, 0, accepted, DELIVERY_TIMEOUT);
        Messaging.assertExactlyOnceInOrder("B's inbox from after=0 against the " + MESSAGES + " messages A queued "
                + "before its crash", accepted, inbox.ids(), QueuedMessagesE2ETest::label, logs());
        Messaging.assertCursorsIncrease("B's inbox", inbox.messages());
        assertThat(inbox.messages()).extracting(m -> Http.text(m, "from")).containsOnly(idA);

        Messaging.awaitDelivered(a, idB, accepted, DELIVERY_TIMEOUT, QueuedMessagesE2ETest::label, logs());
        assertThat(a.peerState(idB)).as("B at A").isEqualTo("CONNECTED");
        assertThat(b.peerState(idA)).as("A at B").isEqualTo("CONNECTED");
    }

    private static String label(String id) {
        return "\"" + TEXTS.getOrDefault(id, "?") + "\" (" + id + ")";
    }

    private static Supplier<String> logs() {
        return () -> a.logTail() + "\n" + b.logTail();
    }
}
