package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.peerlink.PeerlinkApplication;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.store.Store;
import io.peerlink.support.CommitGate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 18's contract test: walks the OpenAPI document the running application serves and, for every
 * operation, sends a request that should produce each documented status, then checks the status, the
 * content type and the body against the documented schema (required fields, types, nullability,
 * enums). Every documented (operation, status) pair must have a request here, and every request here
 * must be documented. Every operation with a body refuses an unknown property. A real peer over
 * loopback is on the other side; the local store can be held after its commits ({@link CommitGate})
 * so that the commit time-out's 503 is the real one.
 */
@SpringBootTest(classes = {PeerlinkApplication.class, ApiContractTest.GatedStore.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.address=127.0.0.1",
            "peerlink.api-token=" + ApiContractTest.TOKEN,
            "peerlink.listen-host=127.0.0.1",
            "peerlink.listen-port=0",
            "peerlink.max-connections=2",
            "peerlink.invites.max-open-grants=2",
            "peerlink.key-size=2048",
            "spring.main.banner-mode=off"})
class ApiContractTest {

    static final String TOKEN = "contract-token-0123456789-0123456789";
    static final CommitGate GATE = new CommitGate();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static PeerConnectionService remote;
    static PeerConnectionService other;
    static PeerConnectionService refused;

    /** The application's store, reporting its commits to {@link #GATE}. */
    @TestConfiguration(proxyBeanMethods = false)
    static class GatedStore {

        @Bean
        @Primary
        Store gatedStore(HikariDataSource dataSource) {
            Store.migrate(dataSource);
            return new Store(dataSource, Clock.systemUTC(), GATE);
        }
    }

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws IOException {
        Path dir = Files.createTempDirectory("peerlink-contract-");
        dir.toFile().deleteOnExit();
        registry.add("peerlink.data-dir", dir::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    PeerConnectionService local;

    @BeforeAll
    static void startPeers() throws IOException {
        remote = ApiSliceConfiguration.remote("contract-remote");
        other = ApiSliceConfiguration.remote("contract-other");
        refused = ApiSliceConfiguration.remote("contract-refused");
    }

    @AfterAll
    static void stopPeers() {
        GATE.release();
        remote.stop();
        other.stop();
        refused.stop();
        HTTP.close();
    }

    /** Waits (bounded: 10 s) until the late commit of a relation change shows in {@code GET /api/peers/{id}}. */
    private void awaitRelation(String peerId, String relation) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        String seen = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send(get("/api/peers/" + peerId, TOKEN));
            seen = JSON.readTree(r.body()).path("relation").asString();
            if (relation.equals(seen)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("peer " + peerId + " is " + seen + ", not " + relation + " after 10 s");
    }

    /** One request: which operation and status it should produce. */
    record Call(String operationId, int status, Supplier<HttpRequest> request) {
    }

    private final List<Call> calls = new ArrayList<>();
    private final Set<String> checked = new TreeSet<>();

    @Test
    void everyDocumentedStatusOfEveryOperationIsWhatTheServerAnswers() throws Exception {
        JsonNode doc = JSON.readTree(send(get("/v3/api-docs", null)).body());
        Map<String, Operation> operations = operations(doc);
        assertThat(operations.keySet()).contains("connectPeer", "forgetPeer", "sendMessage", "followEvents");

        String remoteId = remote.identity().peerId();
        String otherId = other.identity().peerId();
        String peer = "/api/peers/" + remoteId;
        String unknown = "/api/peers/" + "ab".repeat(32);
        String huge = "{\"host\":\"" + "h".repeat(400_000) + "\",\"port\":1}";

        // connect: refusals first (max-connections is 2: the capacity 503 comes once two are connected)
        call("connectPeer", 400, () -> json("POST", "/api/peers", "{\"host\":\"127.0.0.1\"}"));
        call("connectPeer", 409, () -> json("POST", "/api/peers", "{\"host\":\"127.0.0.1\",\"port\":"
                + refused.listenPort() + ",\"expectedFingerprint\":\"" + "00".repeat(32) + "\"}"));
        call("connectPeer", 413, () -> json("POST", "/api/peers", huge));
        call("connectPeer", 415, () -> body("POST", "/api/peers", "text/plain", "host=x"));
        int closed = closedPort();
        call("connectPeer", 502, () -> json("POST", "/api/peers", "{\"host\":\"127.0.0.1\",\"port\":"
                + closed + "}"));
        call("connectPeer", 201, () -> json("POST", "/api/peers", connect(remote)));
        call("connectPeer", 200, () -> json("POST", "/api/peers", connect(remote)));
        run();
        assertThat(local.connect("127.0.0.1", other.listenPort(), null).created()).isTrue();
        ApiSliceConfiguration.awaitConnected(remote, local.identity().peerId());
        ApiSliceConfiguration.awaitConnected(other, local.identity().peerId());
        call("connectPeer", 503, () -> json("POST", "/api/peers", connect(refused)));

        call("listPeers", 200, () -> get("/api/peers", TOKEN));
        call("getPeer", 200, () -> get(peer, TOKEN));
        call("getPeer", 404, () -> get(unknown, TOKEN));
        call("getIdentity", 200, () -> get("/api/identity", TOKEN));
        // one-time invites: at most 2 open here (the 406 below makes the second)
        call("createInvite", 201, () -> request("POST", "/api/invites", TOKEN).build());
        call("getSafetyNumberQr", 200, () -> get(peer + "/safety-number.svg", TOKEN));
        call("getSafetyNumberQr", 404, () -> get(unknown + "/safety-number.svg", TOKEN));

        call("renamePeer", 200, () -> json("PATCH", peer, "{\"alias\":\"contract\"}"));
        call("renamePeer", 409, () -> json("PATCH", "/api/peers/" + otherId, "{\"alias\":\"CONTRACT\"}"));
        call("renamePeer", 400, () -> json("PATCH", peer, "{\"alias\":\"tab\\tin\"}"));
        call("renamePeer", 404, () -> json("PATCH", unknown, "{\"alias\":\"x\"}"));
        call("renamePeer", 413, () -> json("PATCH", peer, huge));
        call("renamePeer", 415, () -> body("PATCH", peer, "text/plain", "alias=x"));

        String safetyNumber = local.peer(remoteId).orElseThrow().safetyNumber();
        call("verifyPeer", 200, () -> json("POST", peer + "/verify", "{\"safetyNumber\":\"" + safetyNumber + "\"}"));
        call("verifyPeer", 409, () -> json("POST", peer + "/verify", "{\"safetyNumber\":\"12345\"}"));
        call("verifyPeer", 400, () -> json("POST", peer + "/verify", "{\"safetyNumber\":\" \"}"));
        call("verifyPeer", 404, () -> json("POST", unknown + "/verify", "{\"safetyNumber\":\"1\"}"));
        call("verifyPeer", 413, () -> json("POST", peer + "/verify", huge));
        call("verifyPeer", 415, () -> body("POST", peer + "/verify", "text/plain", "1"));
        call("unverifyPeer", 200, () -> request("DELETE", peer + "/verify", TOKEN).build());
        call("unverifyPeer", 404, () -> request("DELETE", unknown + "/verify", TOKEN).build());

        UUID id = UUID.randomUUID();
        String message = "{\"to\":\"" + remoteId + "\",\"text\":\"contract\",\"id\":\"" + id + "\"}";
        call("sendMessage", 202, () -> json("POST", "/api/messages", message));
        call("sendMessage", 200, () -> json("POST", "/api/messages", message));
        call("sendMessage", 400, () -> json("POST", "/api/messages", "{\"text\":\"\"}"));
        call("sendMessage", 404, () -> json("POST", "/api/messages", "{\"to\":\"nobody\",\"text\":\"x\"}"));
        // two peers connected and no "to": no recipient
        call("sendMessage", 409, () -> json("POST", "/api/messages", "{\"text\":\"to whom?\"}"));
        call("sendMessage", 413, () -> json("POST", "/api/messages", "{\"to\":\"" + remoteId + "\",\"text\":\""
                + "x".repeat(65_537) + "\"}"));
        call("sendMessage", 415, () -> body("POST", "/api/messages", "text/plain", "hi"));
        call("getMessage", 200, () -> get("/api/messages/" + id, TOKEN));
        call("getMessage", 400, () -> get("/api/messages/not-a-uuid", TOKEN));
        call("getMessage", 404, () -> get("/api/messages/" + UUID.randomUUID(), TOKEN));
        call("pollMessages", 200, () -> get("/api/messages?after=0&limit=10", TOKEN));
        call("pollMessages", 400, () -> get("/api/messages?limit=0", TOKEN));
        call("pollMessages", 404, () -> get("/api/messages?from=not-a-peer", TOKEN));
        call("getConversation", 200, () -> get(peer + "/messages", TOKEN));
        call("getConversation", 400, () -> get(peer + "/messages?limit=0", TOKEN));
        call("getConversation", 404, () -> get(unknown + "/messages", TOKEN));
        call("followEvents", 400, () -> request("GET", "/api/events", TOKEN).header("Last-Event-ID", "x").build());
        call("forgetPeer", 404, () -> request("DELETE", unknown, TOKEN).build());
        call("acceptPeer", 200, () -> request("POST", peer + "/accept", TOKEN).build());
        call("acceptPeer", 404, () -> request("POST", unknown + "/accept", TOKEN).build());
        call("blockPeer", 404, () -> request("POST", unknown + "/block", TOKEN).build());
        call("unblockPeer", 404, () -> request("DELETE", unknown + "/block", TOKEN).build());
        call("unblockPeer", 409, () -> request("DELETE", peer + "/block", TOKEN).build());
        run();

        // 200 of the event stream: an inbound message too, so that each kind of event happened
        remote.send(local.identity().peerId(), "back to you", null);
        checkEvents(operations.get("followEvents"), doc);

        // 401 and 406 of every operation that documents them; a 406 needs a request that succeeds otherwise
        Map<String, String> validBodies = Map.of(
                "sendMessage", "{\"to\":\"" + remoteId + "\",\"text\":\"accept png\"}",
                "connectPeer", connect(remote),
                "renamePeer", "{\"alias\":\"contract\"}",
                "verifyPeer", "{\"safetyNumber\":\"" + safetyNumber + "\"}");
        for (Operation op : operations.values()) {
            if (op.statuses().contains(401)) {
                call(op.id(), 401, () -> request(op.method(), op.samplePath(remoteId, id), null)
                        .header("Content-Type", "application/json").build());
            }
            if (op.statuses().contains(406)) {
                call(op.id(), 406, () -> request(op.method(), op.samplePath(remoteId, id), TOKEN)
                        .header("Accept", "image/png").header("Content-Type", "application/json")
                        .method(op.method(), HttpRequest.BodyPublishers.ofString(validBodies.getOrDefault(op.id(), "")))
                        .build());
            }
        }
        run();
        call("createInvite", 409, () -> request("POST", "/api/invites", TOKEN).build());
        run();

        // 503 after the commit time-out (30 s): every write at once while the store is held
        GATE.hold();
        call("createInvite", 503, () -> request("POST", "/api/invites", TOKEN).build());
        call("sendMessage", 503, () -> json("POST", "/api/messages", "{\"to\":\"" + remoteId + "\",\"text\":\"late\"}"));
        call("renamePeer", 503, () -> json("PATCH", peer, "{\"alias\":\"later\"}"));
        call("verifyPeer", 503, () -> json("POST", peer + "/verify", "{\"safetyNumber\":\"" + safetyNumber + "\"}"));
        call("unverifyPeer", 503, () -> request("DELETE", peer + "/verify", TOKEN).build());
        call("forgetPeer", 503, () -> request("DELETE", "/api/peers/" + otherId, TOKEN).build());
        call("blockPeer", 503, () -> request("POST", peer + "/block", TOKEN).build());
        runAtOnce();
        GATE.release();
        awaitRelation(remoteId, "BLOCKED");

        // the relation's changes: the late block holds (blocking again changes nothing); a blocked peer
        // cannot be accepted; the block is lifted, set again, and lifted late (503, committed after the
        // wait): the peer is then a request, whose acceptance comes late too
        call("blockPeer", 200, () -> request("POST", peer + "/block", TOKEN).build());
        call("acceptPeer", 409, () -> request("POST", peer + "/accept", TOKEN).build());
        call("unblockPeer", 200, () -> request("DELETE", peer + "/block", TOKEN).build());
        call("blockPeer", 200, () -> request("POST", peer + "/block", TOKEN).build());
        run();
        GATE.hold();
        call("unblockPeer", 503, () -> request("DELETE", peer + "/block", TOKEN).build());
        runAtOnce();
        GATE.release();
        awaitRelation(remoteId, "REQUEST");
        GATE.hold();
        call("acceptPeer", 503, () -> request("POST", peer + "/accept", TOKEN).build());
        runAtOnce();
        GATE.release();
        awaitRelation(remoteId, "CONTACT");
        call("forgetPeer", 204, () -> request("DELETE", peer, TOKEN).build());
        run();

        Set<String> documented = new TreeSet<>();
        operations.values().forEach(op -> op.statuses().forEach(s -> documented.add(op.id() + " " + s)));
        assertThat(checked).as("requests that produced each documented status").isEqualTo(documented);
    }

    @Test
    void everyOperationWithABodyRefusesAnUnknownProperty() throws Exception {
        JsonNode doc = JSON.readTree(send(get("/v3/api-docs", null)).body());
        int bodies = 0;
        for (Operation op : operations(doc).values()) {
            if (!op.hasBody()) {
                continue;
            }
            bodies++;
            HttpResponse<String> r = send(json(op.method(), op.samplePath("ab".repeat(32), UUID.randomUUID()),
                    "{\"notAField\": 1}"));
            assertThat(r.statusCode()).as(op.id() + ": " + r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
            JsonNode problem = JSON.readTree(r.body());
            assertThat(problem.path("code").asString()).as(op.id()).isEqualTo("unknown-property");
            assertThat(problem.path("detail").asString()).as(op.id()).contains("'notAField'");
            assertThat(schemaErrors(problem, doc.at("/components/schemas/Problem"), doc, "$")).isEmpty();
        }
        assertThat(bodies).as("operations with a request body").isEqualTo(4);
    }

    // ------------------------------------------------------------------ the document

    /** An operation of the document. */
    record Operation(String id, String method, String path, JsonNode node, JsonNode doc) {

        Set<Integer> statuses() {
            Set<Integer> s = new LinkedHashSet<>();
            node.path("responses").propertyNames().forEach(code -> s.add(Integer.parseInt(code)));
            return s;
        }

        boolean hasBody() {
            return node.has("requestBody");
        }

        /** The path with the peer and the message id filled in. */
        String samplePath(String peerId, UUID messageId) {
            return path.replace("{peerId}", peerId).replace("{id}", messageId.toString());
        }

        /** The documented response, with a reference followed. */
        JsonNode response(int status) {
            JsonNode r = node.path("responses").path(Integer.toString(status));
            return r.has("$ref") ? doc.at(pointer(r.path("$ref").asString())) : r;
        }
    }

    private static Map<String, Operation> operations(JsonNode doc) {
        Map<String, Operation> ops = new LinkedHashMap<>();
        for (var path : doc.path("paths").properties()) {
            for (var op : path.getValue().properties()) {
                String id = op.getValue().path("operationId").asString();
                ops.put(id, new Operation(id, op.getKey().toUpperCase(Locale.ROOT), path.getKey(), op.getValue(), doc));
            }
        }
        return ops;
    }

    // ------------------------------------------------------------------ requests and checks

    private void call(String operationId, int status, Supplier<HttpRequest> request) {
        calls.add(new Call(operationId, status, request));
    }

    /** Sends the queued calls in order and checks each answer against the document. */
    private void run() throws Exception {
        JsonNode doc = JSON.readTree(send(get("/v3/api-docs", null)).body());
        Map<String, Operation> operations = operations(doc);
        for (Call call : calls) {
            check(operations, doc, call, send(call.request().get()));
        }
        calls.clear();
    }

    /** Sends the queued calls all at once (each waits for the held store) and checks the answers. */
    private void runAtOnce() throws Exception {
        JsonNode doc = JSON.readTree(send(get("/v3/api-docs", null)).body());
        Map<String, Operation> operations = operations(doc);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (Call call : calls) {
            answers.add(HTTP.sendAsync(call.request().get(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < calls.size(); i++) {
            check(operations, doc, calls.get(i), answers.get(i).get());
        }
        calls.clear();
    }

    private void check(Map<String, Operation> operations, JsonNode doc, Call call, HttpResponse<String> r) {
        String what = call.operationId() + " " + call.status();
        Operation op = operations.get(call.operationId());
        assertThat(op).as(what + ": no such operation").isNotNull();
        assertThat(op.statuses()).as(what + " documented").contains(call.status());
        assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(call.status());
        JsonNode content = op.response(call.status()).path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            assertThat(r.body()).as(what + ": documented without a body").isEmpty();
        } else {
            String type = r.headers().firstValue("Content-Type").orElse("");
            String mediaType = content.propertyNames().stream().filter(type::startsWith).findFirst()
                    .orElseThrow(() -> new AssertionError(what + ": Content-Type " + type + " is not one of "
                            + content.propertyNames()));
            JsonNode schema = content.path(mediaType).path("schema");
            // a 406 carries its problem only for a client that accepts problem+json
            boolean bodyExpected = call.status() != 406 || !r.body().isEmpty();
            if (mediaType.contains("json") && bodyExpected) {
                assertThat(schemaErrors(JSON.readTree(r.body()), schema, doc, "$")).as(what + ": " + r.body())
                        .isEmpty();
            }
        }
        if (call.status() == 503) {
            assertThat(r.headers().firstValue("Retry-After")).as(what).isPresent();
        }
        checked.add(what);
    }

    private void checkEvents(Operation op, JsonNode doc) throws Exception {
        HttpRequest request = request("GET", "/api/events?after=0", TOKEN).header("Accept", "text/event-stream")
                .build();
        HttpResponse<InputStream> r = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        JsonNode stream = op.response(200).path("content").path("text/event-stream").path("schema");
        JsonNode eventSchema = resolve(stream, doc).path("items");
        Set<String> seen = new TreeSet<>();
        InputStream body = r.body();
        // the stream never ends by itself: closing it ends the read if an event kind never comes
        CompletableFuture.delayedExecutor(30, java.util.concurrent.TimeUnit.SECONDS).execute(() -> {
            try {
                body.close();
            } catch (IOException e) {
                // closed already
            }
        });
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            Map<String, Object> event = new LinkedHashMap<>();
            String line;
            while (seen.size() < 3 && (line = in.readLine()) != null) {
                if (line.startsWith("id:")) {
                    event.put("id", line.substring(3).strip());
                } else if (line.startsWith("event:")) {
                    event.put("event", line.substring(6).strip());
                } else if (line.startsWith("data:")) {
                    event.put("data", JSON.readTree(line.substring(5).strip()));
                } else if (line.isEmpty() && !event.isEmpty()) {
                    JsonNode e = JSON.valueToTree(event);
                    assertThat(schemaErrors(e, eventSchema, doc, "$")).as(e.toString()).isEmpty();
                    seen.add(e.path("event").asString());
                    event.clear();
                }
            }
        } catch (IOException e) {
            // closed after 30 s: the assertion below says which kind is missing
        }
        // messages were sent and received, their statuses changed, peers connected
        assertThat(seen).containsExactly("message", "peer", "status");
        checked.add("followEvents 200");
    }

    // ------------------------------------------------------------------ a small JSON Schema check

    /**
     * What of {@code schema} (OpenAPI 3.1 JSON Schema: $ref, type lists, required, properties,
     * additionalProperties: false, items, enum, const, anyOf, oneOf, format uuid/date-time) the value breaks.
     */
    static List<String> schemaErrors(JsonNode value, JsonNode schema, JsonNode doc, String at) {
        List<String> errors = new ArrayList<>();
        schema = resolve(schema, doc);
        if (schema.has("anyOf") || schema.has("oneOf")) {
            JsonNode options = schema.has("anyOf") ? schema.path("anyOf") : schema.path("oneOf");
            int matches = 0;
            for (JsonNode option : options) {
                if (schemaErrors(value, option, doc, at).isEmpty()) {
                    matches++;
                }
            }
            if (matches == 0 || (schema.has("oneOf") && matches > 1)) {
                errors.add(at + ": matches " + matches + " of " + options.size() + " schemas");
            }
            return errors;
        }
        if (schema.has("type")) {
            List<String> types = new ArrayList<>();
            if (schema.path("type").isArray()) {
                schema.path("type").forEach(t -> types.add(t.asString()));
            } else {
                types.add(schema.path("type").asString());
            }
            if (!types.contains(typeOf(value)) && !(types.contains("number") && typeOf(value).equals("integer"))) {
                errors.add(at + ": " + typeOf(value) + ", not " + types);
                return errors;
            }
        }
        if (schema.has("const") && !schema.path("const").equals(value)) {
            errors.add(at + ": " + value + ", not " + schema.path("const"));
        }
        if (schema.has("enum") && !value.isNull()) {
            boolean listed = false;
            for (JsonNode e : schema.path("enum")) {
                listed |= e.equals(value);
            }
            if (!listed) {
                errors.add(at + ": " + value + " is not one of " + schema.path("enum"));
            }
        }
        if (value.isString() && "uuid".equals(schema.path("format").asString())) {
            try {
                UUID.fromString(value.asString());
            } catch (IllegalArgumentException e) {
                errors.add(at + ": not a UUID");
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asString())) {
                    errors.add(at + ": required " + required.asString() + " is missing");
                }
            }
            for (var field : value.properties()) {
                JsonNode property = schema.path("properties").path(field.getKey());
                if (!property.isMissingNode()) {
                    errors.addAll(schemaErrors(field.getValue(), property, doc, at + "." + field.getKey()));
                } else if (schema.path("additionalProperties").isBoolean()
                        && !schema.path("additionalProperties").asBoolean()) {
                    errors.add(at + ": " + field.getKey() + " is not a documented property");
                }
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                errors.addAll(schemaErrors(value.get(i), schema.path("items"), doc, at + "[" + i + "]"));
            }
        }
        return errors;
    }

    private static JsonNode resolve(JsonNode schema, JsonNode doc) {
        while (schema.has("$ref")) {
            schema = doc.at(pointer(schema.path("$ref").asString()));
        }
        return schema;
    }

    private static String pointer(String ref) {
        return ref.substring(1);
    }

    private static String typeOf(JsonNode v) {
        if (v.isNull()) {
            return "null";
        }
        if (v.isObject()) {
            return "object";
        }
        if (v.isArray()) {
            return "array";
        }
        if (v.isString()) {
            return "string";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        return v.isIntegralNumber() ? "integer" : "number";
    }

    // ------------------------------------------------------------------ HTTP

    private HttpRequest.Builder request(String method, String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpRequest get(String path, String token) {
        return request("GET", path, token).build();
    }

    private HttpRequest json(String method, String path, String json) {
        return body(method, path, "application/json", json);
    }

    private HttpRequest body(String method, String path, String contentType, String body) {
        return request(method, path, TOKEN).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String connect(PeerConnectionService to) {
        return "{\"host\":\"127.0.0.1\",\"port\":" + to.listenPort() + "}";
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
