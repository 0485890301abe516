package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.e2e.Messaging.InboxRead;
import io.peerlink.e2e.Messaging.Page;
import io.peerlink.support.Http;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 8's promise that an accepted message is never lost, doubled or reordered, tried on two peer
 * processes as a user would: the receiver killed with SIGKILL in the middle of 1,000 messages and
 * restarted, a client resuming with its saved cursor across a restart, and a send repeated with the
 * same {@code id}. durable-a (first host) dials durable-b (second host) at start-up and sends; the
 * tests share the two processes and run in order. Logs: {@code target/e2e/durable-*.log}.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurableDeliveryE2ETest {

    private static final int MESSAGES = 1000;
    private static final int KILL_AFTER = 300;
    /** A re-dials with back-off doubling from 1 s: a restart of about 10 s is followed by a dial within 16 s. */
    private static final Duration RECONNECT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    static Path dataDirs;

    private static PeerProcess a;
    private static PeerProcess b;
    private static String idA;
    private static String idB;
    /** Text of every message sent here, by id, for failure messages. */
    private static final Map<String, String> TEXTS = new ConcurrentHashMap<>();

    @BeforeAll
    static void startPeers() throws IOException {
        assertThat(E2e.jar()).as("the packaged jar (run ./mvnw -B verify, which packages first)").isRegularFile();
        for (String host : List.of(E2e.hostA(), E2e.hostB())) {
            E2e.requireFree(host, E2e.PEER_PORT);
            E2e.requireFree(host, E2e.API_PORT);
        }
        a = new PeerProcess("durable-a", E2e.hostA(), dataDirs.resolve("a"), E2e.hostB() + ":" + E2e.PEER_PORT);
        b = new PeerProcess("durable-b", E2e.hostB(), dataDirs.resolve("b"), null);
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
    @Order(1)
    void everyAcceptedMessageArrivesOnceAndInOrderWhenTheReceiverIsKilledMidStream() throws Exception {
        List<String> accepted = new ArrayList<>();
        CompletableFuture<Void> crash = null;
        for (int i = 0; i < MESSAGES; i++) {
            if (i == KILL_AFTER) {
                // SIGKILL while messages are on their way, and start again on the same data dir; A goes on sending
                crash = CompletableFuture.runAsync(() -> {
                    b.kill();
                    try {
                        b.start();
                    } catch (IOException e) {
                        throw new IllegalStateException("restarting " + b.name, e);
                    }
                });
            }
            accepted.add(send("crash test %04d".formatted(i)));
        }
        crash.get(60, TimeUnit.SECONDS);
        b.awaitHealthy();

        Supplier<String> inboxAndLogs = () -> "B's inbox from after=0: "
                + Messaging.difference(accepted, Messaging.readInbox(b, 0).ids(), DurableDeliveryE2ETest::label)
                + "\n" + logs().get();
        Messaging.awaitDelivered(a, idB, accepted, DELIVERY_TIMEOUT, DurableDeliveryE2ETest::label, inboxAndLogs);

        InboxRead inbox = Messaging.readInbox(b, 0);
        Messaging.assertExactlyOnceInOrder("B's inbox from after=0 against the " + MESSAGES + " messages A accepted "
                + "(B killed after " + KILL_AFTER + ")", accepted, inbox.ids(), DurableDeliveryE2ETest::label, logs());
        Messaging.assertCursorsIncrease("B's inbox", inbox.messages());
        for (JsonNode m : inbox.messages()) {
            assertThat(Http.text(m, "from")).as("sender of %s", label(Http.text(m, "id"))).isEqualTo(idA);
            assertThat(Http.text(m, "peerId")).as("peerId of %s", label(Http.text(m, "id"))).isEqualTo(idA);
            assertThat(Http.text(m, "text")).isEqualTo(TEXTS.get(Http.text(m, "id")));
        }
    }

    @Test
    @Order(2)
    void aSavedCursorGoesOnAcrossARestartOfTheReceiverWithNoGapAndNoRepeat() throws IOException {
        long saved = Messaging.readInbox(b, 0).cursor();
        List<String> before = sendAll("before the restart %d", 6);
        Messaging.awaitDelivered(a, idB, before, DELIVERY_TIMEOUT, DurableDeliveryE2ETest::label, logs());

        // the client reads half of them and keeps its cursor
        Page first = Messaging.poll(b, saved, 3, 0);
        assertThat(Messaging.ids(first.messages())).as("first page after the saved cursor %d", saved)
                .containsExactlyElementsOf(before.subList(0, 3));
        long cursor = first.nextCursor();
        List<JsonNode> seen = new ArrayList<>(first.messages());

        b.stop();   // a clean stop this time
        E2e.await("A to notice that B stopped", RECONNECT_TIMEOUT, () -> "DISCONNECTED".equals(a.peerState(idB)),
                logs());
        List<String> whileDown = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            JsonNode m = sendMessage("while B is down %d".formatted(i));
            assertThat(Http.text(m, "status")).as("status of a message for a peer that is away").isEqualTo("QUEUED");
            whileDown.add(Http.text(m, "id"));
        }
        b.restart();

        // the saved cursor is still valid: the rest of the messages stored before the restart follow it
        Page resumed = Messaging.poll(b, cursor, 100, 0);
        assertThat(Messaging.ids(resumed.messages())).as("first page after the saved cursor %d, after the restart",
                cursor).startsWith(before.subList(3, 6).toArray(String[]::new));
        seen.addAll(resumed.messages());
        cursor = resumed.nextCursor();

        awaitConnected();
        Messaging.awaitDelivered(a, idB, whileDown, DELIVERY_TIMEOUT, DurableDeliveryE2ETest::label, logs());
        List<String> after = sendAll("after the restart %d", 4);

        List<String> expected = new ArrayList<>(before);
        expected.addAll(whileDown);
        expected.addAll(after);
        List<String> notYetSeen = expected.stream().filter(id -> !Messaging.ids(seen).contains(id)).toList();
        InboxRead rest = Messaging.awaitInbox(b, cursor, notYetSeen, DELIVERY_TIMEOUT);
        seen.addAll(rest.messages());

        Messaging.assertExactlyOnceInOrder("what a client polling from its saved cursor " + saved + " saw across the "
                + "restart", expected, Messaging.ids(seen), DurableDeliveryE2ETest::label, logs());
        Messaging.assertCursorsIncrease("cursors the client saw", seen);
        // and what it saw is what a fresh read from the same cursor gives
        assertThat(Messaging.readInbox(b, saved).ids()).as("a fresh read after cursor %d", saved)
                .containsExactlyElementsOf(Messaging.ids(seen));

        // a cursor this peer never handed out is refused, not answered with a page that skips messages
        HttpResponse<String> ahead = b.request("GET", "/api/messages?after=" + (rest.cursor() + 1_000_000), null);
        assertThat(ahead.statusCode()).as("a cursor ahead of the newest: %s", ahead.body()).isEqualTo(400);
    }

    @Test
    @Order(3)
    void theSameIdPostedTwiceOrConcurrentlyIsStoredAndDeliveredOnce() throws Exception {
        long saved = Messaging.readInbox(b, 0).cursor();

        String once = UUID.randomUUID().toString();
        TEXTS.put(once, "only once");
        HttpResponse<String> first = Messaging.post(a, idB, "only once", once);
        assertThat(first.statusCode()).as("first POST with id %s: %s", once, first.body()).isEqualTo(202);
        assertThat(Http.text(Http.parse(first.body()), "id")).isEqualTo(once);
        HttpResponse<String> again = Messaging.post(a, idB, "only once", once);
        assertThat(again.statusCode()).as("the same POST again: %s", again.body()).isEqualTo(200);
        JsonNode stored = Http.parse(again.body());
        assertThat(Http.text(stored, "id")).isEqualTo(once);
        assertThat(Http.text(stored, "text")).isEqualTo("only once");
        assertThat(Http.text(stored, "to")).isEqualTo(idB);

        // eight clients retrying at the same moment
        String raced = UUID.randomUUID().toString();
        TEXTS.put(raced, "raced by eight");
        List<HttpResponse<String>> answers = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return Messaging.post(a, idB, "raced by eight", raced);
                }));
            }
            go.countDown();
            for (Future<HttpResponse<String>> f : futures) {
                answers.add(f.get(60, TimeUnit.SECONDS));
            }
        }
        assertThat(answers).extracting(HttpResponse::statusCode).as("answers to 8 concurrent POSTs of id %s: %s",
                raced, answers.stream().map(HttpResponse::body).toList())
                .containsExactlyInAnyOrder(202, 200, 200, 200, 200, 200, 200, 200);
        assertThat(answers).extracting(r -> Http.text(Http.parse(r.body()), "id")).containsOnly(raced);

        // the same id with other content is a conflict, and changes nothing
        HttpResponse<String> conflict = Messaging.post(a, idB, "something else", once);
        assertThat(conflict.statusCode()).as("id %s with other text: %s", once, conflict.body()).isEqualTo(409);
        assertThat(conflict.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(Http.number(Http.parse(conflict.body()), "status")).isEqualTo(409);

        List<String> expected = List.of(once, raced);
        Messaging.awaitDelivered(a, idB, expected, DELIVERY_TIMEOUT, DurableDeliveryE2ETest::label, logs());
        InboxRead inbox = Messaging.awaitInbox(b, saved, expected, DELIVERY_TIMEOUT);
        Messaging.assertExactlyOnceInOrder("B's inbox after the repeated POSTs", expected, inbox.ids(),
                DurableDeliveryE2ETest::label, logs());
        assertThat(inbox.messages()).extracting(m -> Http.text(m, "text")).containsExactly("only once",
                "raced by eight");

        JsonNode atA = Messaging.message(a, once);
        assertThat(Http.text(atA, "text")).isEqualTo("only once");
        assertThat(Http.text(atA, "direction")).isEqualTo("OUT");
        assertThat(Http.text(atA, "status")).isEqualTo("DELIVERED");
        JsonNode atB = Messaging.message(b, once);
        assertThat(Http.text(atB, "direction")).isEqualTo("IN");
        assertThat(Http.text(atB, "status")).isEqualTo("RECEIVED");
        assertThat(Http.text(atB, "text")).isEqualTo("only once");
        assertThat(a.request("GET", "/api/messages/" + UUID.randomUUID(), null).statusCode())
                .as("GET of an unknown message id").isEqualTo(404);
    }

    // ------------------------------------------------------------------------------------- helpers

    /** Sends one message from A to B, checks the 202 answer, and returns its id. */
    private static String send(String text) {
        return Http.text(sendMessage(text), "id");
    }

    private static JsonNode sendMessage(String text) {
        JsonNode m = Messaging.send(a, idB, text);
        TEXTS.put(Http.text(m, "id"), text);
        return m;
    }

    private static List<String> sendAll(String format, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(send(format.formatted(i)));
        }
        return ids;
    }

    private static void awaitConnected() {
        E2e.await("A to show B CONNECTED", RECONNECT_TIMEOUT, () -> "CONNECTED".equals(a.peerState(idB)), logs());
    }

    private static String label(String id) {
        return "\"" + TEXTS.getOrDefault(id, "?") + "\" (" + id + ")";
    }

    private static Supplier<String> logs() {
        return () -> a.logTail() + "\n" + b.logTail();
    }
}
