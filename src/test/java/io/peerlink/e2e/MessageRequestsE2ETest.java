package io.peerlink.e2e;

import io.peerlink.support.Http;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17, test 3: strangers are message requests. requests-a (first host) is started with
 * {@code PEERLINK_REQUESTS_FIRST_CONTACT=false}, so every identity that dials it is a request;
 * requests-s (second host) and requests-x (third host) dial it through the API. Logs:
 * {@code target/e2e/requests-*.log}.
 */
@Tag("e2e")
class MessageRequestsE2ETest {

    private static final int MESSAGES = 200;
    private static final int REQUEST_MAX_MESSAGES = 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path dataDirs;

    private static PeerProcess a;
    private static PeerProcess s;
    private static PeerProcess x;

    @BeforeAll
    static void startPeers() throws IOException {
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        for (String host : List.of(E2e.hostA(), E2e.hostB(), E2e.hostC())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        a = new PeerProcess("requests-a", E2e.hostA(), dataDirs.resolve("a"), null)
                .env("PEERLINK_REQUESTS_FIRST_CONTACT", "false");
        s = new PeerProcess("requests-s", E2e.hostB(), dataDirs.resolve("s"), null);
        x = new PeerProcess("requests-x", E2e.hostC(), dataDirs.resolve("x"), null);
        for (PeerProcess p : List.of(a, s, x)) {
            p.deleteLog();
            p.start();
        }
        for (PeerProcess p : List.of(a, s, x)) {
            p.awaitHealthy();
        }
    }

    @AfterAll
    static void killPeers() {
        Stream.of(a, s, x).filter(p -> p != null).forEach(PeerProcess::kill);
    }

    @Test
    void aStrangersTwoHundredMessagesStopAtTheQuotaAndAllArriveOnceInOrderAfterAccept() throws Exception {
        String idA = a.peerId();
        String idS = s.peerId();
        s.json("POST", "/api/peers", Map.of("host", E2e.hostA(), "port", E2e.PEER_PORT), 201);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            sent.add(Http.text(Messaging.send(s, idA, "request %03d".formatted(i)), "id"));
        }
        E2e.await("A to store the request quota of S's messages", TIMEOUT,
                () -> fromAt(a, idS).size() >= REQUEST_MAX_MESSAGES, logs());
        E2e.sleep(3000); // S keeps re-dialling meanwhile
        List<String> held = fromAt(a, idS);
        assertThat(held).as("what A stored of S's messages before accepting").hasSize(REQUEST_MAX_MESSAGES)
                .isEqualTo(sent.subList(0, REQUEST_MAX_MESSAGES));
        JsonNode peer = a.json("GET", "/api/peers/" + idS, null, 200);
        assertThat(Http.text(peer, "relation")).isEqualTo("REQUEST");
        assertThat(Files.readString(s.log())).as("S's log says why A closed").contains("REQUEST_QUOTA");
        assertThat(Http.number(s.json("GET", "/api/peers/" + idA, null, 200), "undelivered"))
                .as("S still holds the rest").isGreaterThanOrEqualTo(MESSAGES - REQUEST_MAX_MESSAGES);

        assertThat(Http.text(a.json("POST", "/api/peers/" + idS + "/accept", null, 200), "relation"))
                .isEqualTo("CONTACT");
        E2e.await("A to have all of S's messages", TIMEOUT, () -> fromAt(a, idS).size() >= MESSAGES, logs());
        E2e.await("S to see every message delivered", TIMEOUT,
                () -> Http.number(s.json("GET", "/api/peers/" + idA, null, 200), "undelivered") == 0, logs());
        Messaging.assertExactlyOnceInOrder("A's inbox from S after accept", sent, fromAt(a, idS), id -> id, logs());
    }

    @Test
    void aBlockedIdentitysMessagesAreNeverStoredAlsoAfterForgettingAndARestart() throws Exception {
        String idA = a.peerId();
        String idX = x.peerId();
        x.json("POST", "/api/peers", Map.of("host", E2e.hostA(), "port", E2e.PEER_PORT), 201);
        String first = Http.text(Messaging.send(x, idA, "before the block"), "id");
        E2e.await("A to store X's first message", TIMEOUT, () -> fromAt(a, idX).equals(List.of(first)), logs());

        assertThat(Http.text(a.json("POST", "/api/peers/" + idX + "/block", null, 200), "relation"))
                .isEqualTo("BLOCKED");
        for (int i = 0; i < 5; i++) {
            Messaging.send(x, idA, "after the block " + i);
        }
        E2e.sleep(3000);
        assertThat(fromAt(a, idX)).as("A's messages from X after the block").containsExactly(first);
        a.json("DELETE", "/api/peers/" + idX, null, 204);
        a.stop();
        a.restart();
        E2e.await("X to be refused by A after its restart (its log)", TIMEOUT,
                () -> logOf(x).contains("BLOCKED"), logs());
        E2e.sleep(3000);
        assertThat(fromAt(a, idX)).as("A's messages from X after forgetting and a restart").containsExactly(first);
        assertThat(Http.number(x.json("GET", "/api/peers/" + idA, null, 200), "undelivered"))
                .as("X keeps what A never stored").isEqualTo(5);
    }

    /** The ids of A's inbound messages from {@code from}, in cursor order. */
    private static List<String> fromAt(PeerProcess at, String from) {
        return Messaging.readInbox(at, 0).messages().stream().filter(m -> from.equals(Http.text(m, "from")))
                .map(m -> Http.text(m, "id")).toList();
    }

    private static String logOf(PeerProcess p) {
        try {
            return Files.readString(p.log());
        } catch (IOException e) {
            return "";
        }
    }

    private static Supplier<String> logs() {
        return () -> a.logTail() + "\n" + s.logTail() + "\n" + x.logTail();
    }
}
