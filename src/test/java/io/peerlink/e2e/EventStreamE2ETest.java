package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.peerlink.support.SseClient.Event;
import io.peerlink.support.Http;
import io.peerlink.support.SseClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 8's push events ({@code GET /api/events}, Server-Sent Events) as a client that loses its
 * connection sees them: it follows a message of events-a (first host) to DELIVERED, goes away, A is
 * killed and restarted meanwhile, and the client resumes with {@code Last-Event-ID}. What it gets must
 * be exactly what it missed: compared event for event with a full replay from {@code after=0}.
 * events-a dials events-b (second host) at start-up. Logs: {@code target/e2e/events-*.log}.
 */
@Tag("e2e")
class EventStreamE2ETest {

    private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> STATUS_ORDER = List.of("QUEUED", "SENT", "DELIVERED");

    @TempDir
    static Path dataDirs;

    private static PeerProcess a;
    private static PeerProcess b;
    private static String idA;
    private static String idB;

    @BeforeAll
    static void startPeers() throws IOException {
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        for (String host : List.of(E2e.hostA(), E2e.hostB())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        a = new PeerProcess("events-a", E2e.hostA(), dataDirs.resolve("a"), E2e.hostB() + ":" + E2e.PEER_PORT);
        b = new PeerProcess("events-b", E2e.hostB(), dataDirs.resolve("b"), null);
        a.deleteLog();
        b.deleteLog();
        b.start();
        a.start();
        b.awaitHealthy();
        a.awaitHealthy();
        idA = a.peerId();
        idB = b.peerId();
        awaitConnected();
    }

    @AfterAll
    static void killPeers() {
        Stream.of(a, b).filter(p -> p != null).forEach(PeerProcess::kill);
    }

    @Test
    void aResumedStreamGetsExactlyTheEventsItMissedAcrossARestart() throws IOException {
        // 1. a client follows one message to DELIVERED
        List<Event> live;
        String m1;
        try (SseClient client = SseClient.open(a, "?after=0", null)) {
            m1 = Http.text(Messaging.send(a, idB, "followed live"), "id");
            client.awaitEvent("status DELIVERED of " + m1, status(m1, "DELIVERED"), EVENT_TIMEOUT);
            live = client.received();
        }
        assertIdsIncrease("events seen live", live, 0);
        long lastSeen = live.getLast().id();
        assertStatusesGoForwardToDelivered("live", live, m1);
        assertThat(live).as("stored events replayed from after=0 include A connecting to B: %s",
                SseClient.signatures(live)).anyMatch(peer(idB, "connected"));
        JsonNode delivered = live.getLast().json();
        assertThat(Http.text(delivered, "peerId")).isEqualTo(idB);
        assertThat(Instant.parse(Http.text(delivered, "at"))).isBeforeOrEqualTo(Instant.now());

        // 2. while no client listens: two messages delivered, one received, then A is killed and started again
        String m2 = Http.text(Messaging.send(a, idB, "missed one"), "id");
        String m3 = Http.text(Messaging.send(a, idB, "missed two"), "id");
        String fromB = Http.text(Messaging.send(b, idA, "missed inbound"), "id");
        E2e.await("A to show both messages DELIVERED", EVENT_TIMEOUT,
                () -> Stream.of(m2, m3).allMatch(id -> "DELIVERED".equals(Http.text(Messaging.message(a, id),
                        "status"))), logs());
        E2e.await("A to have received " + fromB, EVENT_TIMEOUT,
                () -> a.request("GET", "/api/messages/" + fromB, null).statusCode() == 200, logs());
        a.kill();
        a.restart();
        awaitConnected();

        // 3. the client comes back with the id of the last event it saw, and follows a new message
        List<Event> resumed;
        String m4;
        try (SseClient client = SseClient.open(a, "", Long.toString(lastSeen))) {
            m4 = Http.text(Messaging.send(a, idB, "after the restart"), "id");
            client.awaitEvent("status DELIVERED of " + m4, status(m4, "DELIVERED"), EVENT_TIMEOUT);
            resumed = client.received();
        }
        assertIdsIncrease("events after Last-Event-ID " + lastSeen, resumed, lastSeen);
        assertThat(resumed).as("events after Last-Event-ID %d: %s", lastSeen, SseClient.signatures(resumed))
                .anyMatch(status(m2, "DELIVERED"))
                .anyMatch(status(m3, "DELIVERED"))
                .anyMatch(e -> e.type().equals("message") && fromB.equals(e.json().path("id").asString()))
                .anyMatch(peer(idB, "connected"));
        assertStatusesGoForwardToDelivered("resumed", resumed, m2);
        assertStatusesGoForwardToDelivered("resumed", resumed, m3);
        assertStatusesGoForwardToDelivered("resumed", resumed, m4);
        Event inbound = resumed.stream().filter(e -> e.type().equals("message")).findFirst().orElseThrow();
        assertThat(Http.text(inbound.json(), "text")).isEqualTo("missed inbound");
        assertThat(Http.text(inbound.json(), "from")).isEqualTo(idB);

        // 4. a full replay: the same events, no gap and no repeat on either side of the resume point
        long lastResumed = resumed.getLast().id();
        List<Event> replay;
        try (SseClient client = SseClient.open(a, "?after=0", null)) {
            client.awaitEvent("event " + lastResumed, e -> e.id() >= lastResumed, EVENT_TIMEOUT);
            replay = client.received();
        }
        assertIdsIncrease("full replay", replay, 0);
        assertThat(SseClient.signatures(replay.stream().filter(e -> e.id() <= lastSeen).toList()))
                .as("replay up to %d against what the client saw live", lastSeen)
                .containsExactlyElementsOf(SseClient.signatures(live));
        assertThat(SseClient.signatures(replay.stream().filter(e -> e.id() > lastSeen).toList()))
                .as("replay after %d against what the resumed client got", lastSeen)
                .containsExactlyElementsOf(SseClient.signatures(resumed));
    }

    // ------------------------------------------------------------------------------------- helpers

    private static Predicate<Event> status(String messageId, String status) {
        return e -> e.type().equals("status") && messageId.equals(e.json().path("id").asString())
                && status.equals(e.json().path("status").asString());
    }

    private static Predicate<Event> peer(String peerId, String event) {
        return e -> e.type().equals("peer") && peerId.equals(e.json().path("peerId").asString())
                && event.equals(e.json().path("event").asString());
    }

    /** Every event has an id, greater than {@code after} and than the one before. */
    private static void assertIdsIncrease(String what, List<Event> events, long after) {
        long last = after;
        for (Event e : events) {
            if (e.id() <= last) {
                fail(what + ": event id " + e.id() + " (" + e.type() + ") does not follow " + last + "; events: "
                        + SseClient.signatures(events));
            }
            last = e.id();
        }
    }

    /** The status events of one message move forward only (QUEUED, SENT, DELIVERED), each once, ending DELIVERED. */
    private static void assertStatusesGoForwardToDelivered(String what, List<Event> events, String messageId) {
        List<String> statuses = events.stream()
                .filter(e -> e.type().equals("status") && messageId.equals(e.json().path("id").asString()))
                .map(e -> e.json().path("status").asString()).toList();
        assertThat(statuses).as("%s status events of %s", what, messageId).isNotEmpty().endsWith("DELIVERED");
        for (int i = 1; i < statuses.size(); i++) {
            assertThat(STATUS_ORDER.indexOf(statuses.get(i)))
                    .as("%s status events of %s go forward only: %s", what, messageId, statuses)
                    .isGreaterThan(STATUS_ORDER.indexOf(statuses.get(i - 1)));
        }
        assertThat(STATUS_ORDER).containsAll(statuses);
    }

    private static void awaitConnected() {
        E2e.await("A to show B CONNECTED", RECONNECT_TIMEOUT, () -> "CONNECTED".equals(a.peerState(idB)), logs());
    }

    private static Supplier<String> logs() {
        return () -> a.logTail() + "\n" + b.logTail();
    }
}
