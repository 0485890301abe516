package io.peerlink.api;

import static io.peerlink.api.RunningPeer.body;
import static io.peerlink.api.RunningPeer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.support.SseClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Three whole peers, each a real Spring context with its own HTTP port, peer port and data
 * directory, talking over real loopback sockets and driven only through the REST API. Peer A sets
 * an API token, so everything here also runs through the token check.
 */
class PeerApiEndToEndTest {

    static final String FINGERPRINT = "([0-9a-f]{4} ){15}[0-9a-f]{4}";
    static final String SAFETY_NUMBER = "([0-9]{5} ){11}[0-9]{5}";
    static final String TOKEN = "e2e-token-0123456789-0123456789-0";

    @TempDir
    static Path dataDirs;

    static RunningPeer a;
    static RunningPeer b;
    static RunningPeer c;

    @BeforeAll
    static void startPeers() {
        a = RunningPeer.start("a", dataDirs.resolve("a"), TOKEN);
        b = RunningPeer.start("b", dataDirs.resolve("b"), null);
        c = RunningPeer.start("c", dataDirs.resolve("c"), null);
    }

    @AfterAll
    static void stopPeers() {
        for (RunningPeer p : new RunningPeer[] {a, b, c}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @AfterEach
    void forgetPeers() {
        a.disconnectAll();
        b.disconnectAll();
        c.disconnectAll();
    }

    /** Long-polls {@code peer}'s inbox after {@code cursor} until a message comes (or 20 s pass). */
    private static JsonNode awaitMessages(RunningPeer peer, long cursor, String query) {
        return json(peer.get("/api/messages?after=" + cursor + "&waitSeconds=20" + query));
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(100);
        }
    }

    /** The server side registers a connection a moment after the client's POST /api/peers returns. */
    private static void awaitConnected(RunningPeer at, RunningPeer of) throws InterruptedException {
        eventually(at + " sees " + of + " connected", () -> peerState(at, of).equals("CONNECTED"));
    }

    private static String peerState(RunningPeer at, RunningPeer of) {
        HttpResponse<String> r = at.get("/api/peers/" + of.peerId);
        return r.statusCode() == 200 ? body(r).path("state").asString() : "UNKNOWN(" + r.statusCode() + ")";
    }

    @Test
    void connectsAndExchangesDecryptedMessagesBothWays() throws Exception {
        HttpResponse<String> created = a.connect(b, true);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/api/peers/" + b.peerId));
        JsonNode bAtA = body(created);
        assertThat(bAtA.path("peerId").asString()).isEqualTo(b.peerId);
        assertThat(bAtA.path("fingerprint").asString()).matches(FINGERPRINT).isEqualTo(b.fingerprint);
        assertThat(bAtA.path("state").asString()).isEqualTo("CONNECTED");
        assertThat(bAtA.path("direction").asString()).isEqualTo("OUTBOUND");

        awaitConnected(b, a);
        JsonNode aAtB = json(b.get("/api/peers/" + a.peerId));
        assertThat(aAtB.path("direction").asString()).isEqualTo("INBOUND");
        assertThat(aAtB.path("state").asString()).isEqualTo("CONNECTED");
        assertThat(aAtB.path("fingerprint").asString()).matches(FINGERPRINT).isEqualTo(a.fingerprint);
        // the same safety number on both sides
        assertThat(aAtB.path("safetyNumber").asString()).matches(SAFETY_NUMBER)
                .isEqualTo(bAtA.path("safetyNumber").asString());

        long bCursor = b.latestCursor();
        HttpResponse<String> sent = a.sendMessage(b.peerId, "hello B, grüße from A ✓");
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        JsonNode accepted = body(sent);
        assertThat(accepted.path("to").asString()).isEqualTo(b.peerId);
        // answered once committed here, before it is written to the connection
        assertThat(accepted.path("status").asString()).isEqualTo("QUEUED");
        assertThat(accepted.path("id").asString()).isNotEmpty();
        assertThat(accepted.path("createdAt").asString()).isNotEmpty();

        JsonNode atB = awaitMessages(b, bCursor, "");
        assertThat(atB.path("messages")).hasSize(1);
        JsonNode m = atB.path("messages").get(0);
        assertThat(m.path("text").asString()).isEqualTo("hello B, grüße from A ✓");
        assertThat(m.path("from").asString()).isEqualTo(a.peerId);
        assertThat(m.path("id").asString()).isEqualTo(accepted.path("id").asString());
        // cursors come from the store: above the last one seen (outbound messages take numbers too)
        assertThat(m.path("cursor").asLong()).isGreaterThan(bCursor);
        assertThat(atB.path("nextCursor").asLong()).isEqualTo(m.path("cursor").asLong());
        // B acknowledged it after committing it: A shows it DELIVERED
        String path = "/api/messages/" + accepted.path("id").asString();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!"DELIVERED".equals(json(a.get(path)).path("status").asString()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        JsonNode delivered = json(a.get(path));
        assertThat(delivered.path("status").asString()).isEqualTo("DELIVERED");
        assertThat(delivered.path("deliveredAt").asString()).isNotEmpty();
        assertThat(json(b.get(path)).path("direction").asString()).isEqualTo("IN");

        // B has one peer connected: no "to" needed
        long aCursor = a.latestCursor();
        assertThat(b.sendMessage(null, "hi A").statusCode()).isEqualTo(202);
        JsonNode atA = awaitMessages(a, aCursor, "");
        assertThat(atA.path("messages")).extracting(n -> n.path("text").asString()).containsExactly("hi A");
        assertThat(atA.path("messages").get(0).path("from").asString()).isEqualTo(b.peerId);

        // polling on from the returned cursor never returns a message twice
        JsonNode again = json(a.get("/api/messages?after=" + atA.path("nextCursor").asLong()));
        assertThat(again.path("messages")).isEmpty();
    }

    @Test
    void eventsStreamStatusChangesUpToDeliveredAndResumeAfterLastEventId() throws Exception {
        assertThat(a.connect(b, false).statusCode()).isEqualTo(201);
        awaitConnected(b, a);
        String id;
        java.util.List<SseClient.Event> seen = new java.util.ArrayList<>();
        try (SseClient stream = a.events("?after=0", null)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");
            id = body(a.sendMessage(b.peerId, "follow me")).path("id").asString();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (seen.stream().noneMatch(e -> isStatus(e, id, "DELIVERED")) && System.nanoTime() < deadline) {
                SseClient.Event e = stream.next(java.time.Duration.ofSeconds(1));
                if (e != null) {
                    seen.add(e);
                }
            }
        }
        assertThat(seen).extracting(SseClient.Event::id).isSorted().doesNotHaveDuplicates();
        assertThat(seen).filteredOn(e -> e.type().equals("peer"))
                .anyMatch(e -> e.json().path("peerId").asString().equals(b.peerId)
                        && e.json().path("event").asString().equals("connected"));
        assertThat(seen).filteredOn(e -> e.type().equals("status") && e.json().path("id").asString().equals(id))
                .extracting(e -> e.json().path("status").asString())
                .containsExactly("QUEUED", "SENT", "DELIVERED");

        // resume after the QUEUED event: the client gets exactly what came after it, first
        SseClient.Event queued = seen.stream().filter(e -> isStatus(e, id, "QUEUED")).findFirst().orElseThrow();
        java.util.List<SseClient.Event> expected = seen.stream().filter(e -> e.id() > queued.id()).toList();
        try (SseClient resumed = a.events("", Long.toString(queued.id()))) {
            for (SseClient.Event want : expected) {
                SseClient.Event got = resumed.next(java.time.Duration.ofSeconds(10));
                assertThat(got).as("replayed event %s", want.id()).isNotNull();
                assertThat(got.id()).isEqualTo(want.id());
                assertThat(got.type()).isEqualTo(want.type());
                assertThat(got.json()).isEqualTo(want.json());
            }
        }

        // on B, the message arrived as a message event
        try (SseClient atB = b.events("?after=0", null)) {
            SseClient.Event e;
            do {
                e = atB.next(java.time.Duration.ofSeconds(10));
            } while (e != null && !(e.type().equals("message") && e.json().path("id").asString().equals(id)));
            assertThat(e).as("message event on B").isNotNull();
            assertThat(e.json().path("text").asString()).isEqualTo("follow me");
            assertThat(e.json().path("direction").asString()).isEqualTo("IN");
        }
    }

    @Test
    void eventsRefuseABadLastEventIdAndNeedTheToken() {
        try (SseClient bad = b.events("", "yesterday")) {
            assertThat(bad.status()).isEqualTo(400);
        }
        assertThat(a.getWithoutToken("/api/events").statusCode()).isEqualTo(401);
    }

    private static boolean isStatus(SseClient.Event e, String id, String status) {
        return e.type().equals("status") && e.json().path("id").asString().equals(id)
                && e.json().path("status").asString().equals(status);
    }

    @Test
    void aRetriedSendWithTheSameIdIsSentOnceAndOtherContentUnderItIsAConflict() throws Exception {
        assertThat(a.connect(b, false).statusCode()).isEqualTo(201);
        awaitConnected(b, a);
        long bCursor = b.latestCursor();
        java.util.UUID id = java.util.UUID.randomUUID();
        HttpResponse<String> first = a.sendMessage(b.peerId, "exactly once", id);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        HttpResponse<String> again = a.sendMessage(b.peerId, "exactly once", id);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(body(again).path("id").asString()).isEqualTo(id.toString());
        assertThat(body(again).path("cursor").asLong()).isEqualTo(body(first).path("cursor").asLong());
        HttpResponse<String> other = a.sendMessage(b.peerId, "something else", id);
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(body(other).path("code").asString()).isEqualTo("id-conflict");

        JsonNode atB = awaitMessages(b, bCursor, "");
        eventually("the message is delivered",
                () -> body(a.get("/api/messages/" + id)).path("status").asString().equals("DELIVERED"));
        Thread.sleep(300); // a second copy, were there one, would have arrived by now
        JsonNode all = json(b.get("/api/messages?after=" + bCursor));
        assertThat(all.path("messages")).extracting(n -> n.path("id").asString()).containsExactly(id.toString());
        assertThat(atB.path("messages").get(0).path("text").asString()).isEqualTo("exactly once");
    }

    @Test
    void showsOneMessageAndTheConversationBothWaysNewestFirst() throws Exception {
        assertThat(a.connect(b, false).statusCode()).isEqualTo(201);
        awaitConnected(b, a);
        long bCursor = b.latestCursor();
        String first = body(a.sendMessage(b.peerId, "one")).path("id").asString();
        awaitMessages(b, bCursor, "");
        String reply = body(b.sendMessage(a.peerId, "two")).path("id").asString();
        eventually("the reply is delivered",
                () -> body(b.get("/api/messages/" + reply)).path("status").asString().equals("DELIVERED"));
        String third = body(a.sendMessage(b.peerId, "three")).path("id").asString();

        JsonNode page = json(a.get("/api/peers/" + b.peerId + "/messages?limit=2"));
        assertThat(page.path("messages")).extracting(n -> n.path("text").asString()).containsExactly("three", "two");
        assertThat(page.path("messages").get(1).path("direction").asString()).isEqualTo("IN");
        assertThat(page.path("messages").get(0).path("direction").asString()).isEqualTo("OUT");
        long before = page.path("nextBefore").asLong();
        JsonNode older = json(a.get("/api/peers/" + b.peerId + "/messages?limit=2&before=" + before));
        assertThat(older.path("messages")).extracting(n -> n.path("id").asString()).startsWith(first);

        JsonNode one = json(a.get("/api/messages/" + third));
        assertThat(one.path("text").asString()).isEqualTo("three");
        assertThat(one.path("to").asString()).isEqualTo(b.peerId);
        assertThat(a.get("/api/messages/" + java.util.UUID.randomUUID()).statusCode()).isEqualTo(404);
        assertThat(a.get("/api/messages/not-a-uuid").statusCode()).isEqualTo(400);
        assertThat(a.get("/api/peers/" + "ab".repeat(32) + "/messages").statusCode()).isEqualTo(404);
    }

    @Test
    void longPollReturnsAsSoonAsAMessageArrives() throws Exception {
        assertThat(a.connect(b, false).statusCode()).isEqualTo(201);
        long cursor = b.latestCursor();
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> poll =
                b.getAsync("/api/messages?after=" + cursor + "&waitSeconds=20");
        Thread.sleep(500);
        assertThat(poll).as("the long poll waits for a message").isNotDone();

        assertThat(a.sendMessage(b.peerId, "wake up").statusCode()).isEqualTo(202);
        HttpResponse<String> answer = poll.get(15, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(body(answer).path("messages")).extracting(n -> n.path("text").asString()).containsExactly("wake up");
        assertThat(took).as("returned long before waitSeconds=20").isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void disconnectsAndReconnects() throws Exception {
        assertThat(a.connect(b, true).statusCode()).isEqualTo(201);
        HttpResponse<String> deleted = a.delete("/api/peers/" + b.peerId);
        assertThat(deleted.statusCode()).isEqualTo(204);
        HttpResponse<String> gone = a.get("/api/peers/" + b.peerId);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(a.delete("/api/peers/" + b.peerId).statusCode()).isEqualTo(404);
        eventually("B sees A disconnected", () -> peerState(b, a).equals("DISCONNECTED"));
        // A forgot B: sending to it is an unknown peer now
        assertThat(a.sendMessage(b.peerId, "anyone?").statusCode()).isEqualTo(404);

        HttpResponse<String> again = a.connect(b, true);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(body(again).path("state").asString()).isEqualTo("CONNECTED");
        awaitConnected(b, a);
        long cursor = b.latestCursor();
        assertThat(a.sendMessage(b.peerId, "back again").statusCode()).isEqualTo(202);
        assertThat(awaitMessages(b, cursor, "").path("messages"))
                .extracting(n -> n.path("text").asString()).containsExactly("back again");
    }

    @Test
    void talksToThreePeersAtOnce() throws Exception {
        assertThat(a.connect(b, true).statusCode()).isEqualTo(201);
        assertThat(a.connect(c, true).statusCode()).isEqualTo(201);
        assertThat(json(a.get("/api/peers"))).extracting(n -> n.path("peerId").asString())
                .containsExactlyInAnyOrder(b.peerId, c.peerId);

        HttpResponse<String> ambiguous = a.sendMessage(null, "to whom?");
        assertThat(ambiguous.statusCode()).isEqualTo(409);
        assertThat(body(ambiguous).path("detail").asString()).contains("2 peers are connected");

        long bCursor = b.latestCursor();
        long cCursor = c.latestCursor();
        assertThat(a.sendMessage(b.peerId, "only for B").statusCode()).isEqualTo(202);
        assertThat(a.sendMessage(c.peerId, "only for C").statusCode()).isEqualTo(202);
        assertThat(awaitMessages(b, bCursor, "").path("messages"))
                .extracting(n -> n.path("text").asString()).containsExactly("only for B");
        assertThat(awaitMessages(c, cCursor, "").path("messages"))
                .extracting(n -> n.path("text").asString()).containsExactly("only for C");

        awaitConnected(b, a);
        awaitConnected(c, a);
        long aCursor = a.latestCursor();
        assertThat(b.sendMessage(null, "B to A").statusCode()).isEqualTo(202);
        assertThat(c.sendMessage(null, "C to A").statusCode()).isEqualTo(202);
        assertThat(awaitMessages(a, aCursor, "&from=" + b.peerId).path("messages"))
                .extracting(n -> n.path("text").asString()).containsExactly("B to A");
        assertThat(awaitMessages(a, aCursor, "&from=" + c.peerId).path("messages"))
                .extracting(n -> n.path("text").asString()).containsExactly("C to A");
        List<String> all = new ArrayList<>();
        json(a.get("/api/messages?after=" + aCursor)).path("messages")
                .forEach(n -> all.add(n.path("from").asString() + ":" + n.path("text").asString()));
        assertThat(all).containsExactlyInAnyOrder(b.peerId + ":B to A", c.peerId + ":C to A");
    }

    @Test
    void answersProblemsOverRealHttp() {
        HttpResponse<String> unreachable = a.post("/api/peers", "{\"host\":\"127.0.0.1\",\"port\":" + closedPort() + "}");
        assertThat(unreachable.statusCode()).isEqualTo(502);
        assertThat(unreachable.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(body(unreachable).path("detail").asString()).contains("cannot reach");

        HttpResponse<String> malformed = b.post("/api/messages", "{\"text\":");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(body(malformed).path("detail").asString()).startsWith("Malformed JSON");

        HttpResponse<String> noRoute = b.get("/api/nothing");
        assertThat(noRoute.statusCode()).isEqualTo(404);
        assertThat(noRoute.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));

        // the peers keep running after bad input
        assertThat(json(b.get("/api/identity")).path("peerId").asString()).isEqualTo(b.peerId);
    }

    @Test
    void requiresTheApiTokenWhereSetButLeavesHealthAndDocsOpen() {
        HttpResponse<String> none = a.getWithoutToken("/api/identity");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(none.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(a.get("/api/identity", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(a.get("/api/identity", "Bearer " + TOKEN).statusCode()).isEqualTo(200);

        assertThat(a.getWithoutToken("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(a.getWithoutToken("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(a.getWithoutToken("/v3/api-docs").statusCode()).isEqualTo(200);
        assertThat(a.getWithoutToken("/swagger-ui.html").statusCode()).isEqualTo(200);
        // metrics are not health: they need the token
        assertThat(a.getWithoutToken("/actuator/prometheus").statusCode()).isEqualTo(401);
        assertThat(a.getWithoutToken("/actuator/metrics").statusCode()).isEqualTo(401);
        assertThat(a.get("/actuator/metrics").statusCode()).isEqualTo(200);
        // B has no token: its API is open
        assertThat(b.getWithoutToken("/api/identity").statusCode()).isEqualTo(200);
        assertThat(b.getWithoutToken("/actuator/prometheus").statusCode()).isEqualTo(200);
    }

    @Test
    void servesHealthMetricsAndApiDocs() throws Exception {
        assertThat(a.connect(b, false).statusCode()).isEqualTo(201);
        awaitConnected(b, a);

        JsonNode health = json(b.getWithoutToken("/actuator/health"));
        assertThat(health.path("status").asString()).isEqualTo("UP");
        JsonNode peers = health.path("components").path("peers");
        assertThat(peers.path("status").asString()).isEqualTo("UP");
        assertThat(peers.path("details").path("listening").asBoolean()).isTrue();
        assertThat(peers.path("details").path("connectedPeers").asInt()).isEqualTo(1);
        assertThat(json(b.getWithoutToken("/actuator/health/liveness")).path("status").asString()).isEqualTo("UP");
        assertThat(json(b.getWithoutToken("/actuator/health/readiness")).path("status").asString()).isEqualTo("UP");

        assertThat(a.sendMessage(b.peerId, "count me").statusCode()).isEqualTo(202);
        HttpResponse<String> prometheus = a.get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body())
                .contains("peerlink_messages_sent")
                .contains("peerlink_messages_received")
                .contains("peerlink_handshakes")
                .contains("peerlink_connections_active")
                .contains("peerlink_network_received_bytes_total")
                .contains("peerlink_network_sent_bytes_total")
                .contains("peerlink_messages_undelivered")
                .contains("peerlink_store_commit_seconds_count")
                .contains("peerlink_store_commit_seconds_sum")
                .contains("peerlink_store_batch_size_sum");

        JsonNode docs = json(a.getWithoutToken("/v3/api-docs"));
        JsonNode paths = docs.path("paths");
        assertThat(paths.path("/api/identity").has("get")).isTrue();
        assertThat(paths.path("/api/peers").has("get")).isTrue();
        assertThat(paths.path("/api/peers").has("post")).isTrue();
        assertThat(paths.path("/api/peers/{peerId}").has("get")).isTrue();
        assertThat(paths.path("/api/peers/{peerId}").has("delete")).isTrue();
        assertThat(paths.path("/api/messages").has("get")).isTrue();
        assertThat(paths.path("/api/messages").has("post")).isTrue();
        for (JsonNode path : paths) {
            for (JsonNode operation : path) {
                assertThat(operation.path("summary").asString()).isNotEmpty();
            }
        }
        assertThat(paths.path("/api/peers").path("post").path("responses").propertyNames())
                .contains("201", "400", "409", "502");
        assertThat(paths.path("/api/messages").path("post").path("responses").propertyNames())
                .contains("202", "400", "404", "409", "413");
        // A sets a token: the Bearer scheme is required and every operation documents the 401
        assertThat(docs.path("components").path("securitySchemes").path("bearerAuth").path("scheme").asString())
                .isEqualTo("bearer");
        assertThat(docs.path("security").toString()).contains("bearerAuth");
        assertThat(paths.path("/api/identity").path("get").path("responses").has("401")).isTrue();
        // the 409 "no recipient" is on the operation that answers it (issue 18: it was attached to none)
        assertThat(paths.path("/api/messages").path("post").path("responses").path("409").path("$ref").asString())
                .endsWith("/SendConflict");
        assertThat(docs.path("components").path("responses").path("SendConflict").toString())
                .contains("application/problem+json").contains("no peer is connected").contains("no-recipient");

        HttpResponse<String> swagger = a.getWithoutToken("/swagger-ui.html");
        assertThat(swagger.statusCode()).isEqualTo(200);
        assertThat(swagger.uri().getPath()).isEqualTo("/swagger-ui/index.html");
        assertThat(swagger.body()).containsIgnoringCase("swagger");
    }

    @Test
    void aStoppedPeerReleasesItsPortAndSaysGoodbye() throws Exception {
        Path dir = Files.createDirectories(dataDirs.resolve("d"));
        RunningPeer d = RunningPeer.start("d", dir, null);
        int port = d.peerPort;
        boolean closed = false;
        try {
            assertThat(d.connect(a, true).statusCode()).isEqualTo(201);
            awaitConnected(a, d);
            d.close();
            closed = true;
            eventually("A sees D disconnected", () -> peerState(a, d).equals("DISCONNECTED"));
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        } finally {
            if (!closed) {
                d.close();
            }
        }
    }

    @Test
    void keepsTheIdentityAcrossRestarts() throws Exception {
        Path dir = Files.createDirectories(dataDirs.resolve("e"));
        String first;
        try (RunningPeer e = RunningPeer.start("e", dir, null)) {
            first = e.peerId;
        }
        assertThat(dir.resolve("identity.key")).exists();
        try (RunningPeer e = RunningPeer.start("e", dir, null)) {
            assertThat(e.peerId).isEqualTo(first);
        }
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
