package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.PeerlinkApplication;
import io.peerlink.messaging.PeerConnectionService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP edge of a whole running peer with an API token, over real sockets: what Tomcat refuses
 * before Spring sees it, bodies too large to read, the token on actuator endpoints, and async
 * (Server-Sent Events, deferred) answers through the security chain.
 */
@SpringBootTest(classes = {PeerlinkApplication.class, HttpEdgeTest.AsyncEndpoints.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.address=127.0.0.1",
            "peerlink.api-token=" + HttpEdgeTest.TOKEN,
            "peerlink.listen-host=127.0.0.1",
            "peerlink.listen-port=0",
            "peerlink.data-dir=target/http-edge-test",
            "peerlink.key-size=2048",
            "spring.main.banner-mode=off"})
@ExtendWith(OutputCaptureExtension.class)
class HttpEdgeTest {

    static final String TOKEN = "edge-token-0123456789-0123456789";
    static final String HOST = "127.0.0.1";
    /** Far more than the body limit (64 KiB x 6 + 4 KiB) plus Tomcat's 2 MB drain plus socket buffers. */
    static final long HUGE_BODY = 64L * 1024 * 1024;

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** A problem body must be one JSON object and nothing after it (no second error page appended). */
    static final JsonMapper ONE_JSON_VALUE = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    @LocalServerPort
    int port;

    @AfterAll
    static void closeClient() {
        HTTP.close();
    }

    private RawHttp.Response raw(String requestHead) throws IOException {
        return RawHttp.exchange(HOST, port, requestHead);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + path))
                .timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(RawHttp.Response r, int status) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).as(r.toString()).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JsonNode body = ONE_JSON_VALUE.readTree(r.body());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("title").asString()).isNotEmpty();
        assertThat(body.path("detail").asString()).isNotEmpty();
        // one shape (issue 18): each kind has a code and its type URI
        ApiError kind = ApiError.valueOf(body.path("code").asString().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        assertThat(kind.status().value()).isEqualTo(status);
        assertThat(body.path("title").asString()).isEqualTo(kind.title());
        assertThat(body.path("type").asString()).isEqualTo(kind.type().toString());
        assertThat(r.body()).doesNotContain("<html", "Apache Tomcat");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/%2F", "/api%2Fidentity", "/api%5Cidentity", "/api/%5C", "/api/%ZZ", "/%",
        "/api/peers/%2e%2e%2F%2e%2e%2Fidentity"})
    void answersPathsThatTomcatRefusesAsProblems(String path) throws IOException {
        assertProblem(raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nConnection: close\r\n\r\n"), 400);
        // the same without a token: refused before authentication, still a problem
        assertProblem(raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), 400);
    }

    @Test
    void answersMalformedRequestsAsProblems() throws IOException {
        // a method that is not a token
        assertProblem(raw("G@T /api/identity HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), 400);
        // no Host header
        assertProblem(raw("GET /api/identity HTTP/1.1\r\nConnection: close\r\n\r\n"), 400);
        // a header line over Tomcat's 8 KiB limit
        assertProblem(raw("GET /api/identity HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(10_000)
                + "\r\nConnection: close\r\n\r\n"), 400);
        // a broken chunk size
        assertProblem(raw("POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "zz\r\n{}\r\n0\r\n\r\n"), 400);
    }

    @Test
    void answersMethodsAndPathsRefusedInsideTheServerAsProblems() throws IOException {
        // TRACE: refused by Tomcat
        assertProblem(raw("TRACE /api/identity HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), 405);
        // an unknown method and a path parameter: refused by Spring Security's firewall
        assertProblem(raw("FOO /api/identity HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nConnection: close\r\n\r\n"), 400);
        assertProblem(raw("GET /api/identity;x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nConnection: close\r\n\r\n"), 400);
        // a method the endpoint does not have
        assertProblem(raw("DELETE /api/identity HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nConnection: close\r\n\r\n"), 405);
        // no route
        assertProblem(raw("GET /api/nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nConnection: close\r\n\r\n"), 404);
        // and no token
        RawHttp.Response unauthorized = raw("GET /api/identity HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertProblem(unauthorized, 401);
        assertThat(unauthorized.header("WWW-Authenticate")).isEqualTo("Bearer");
    }

    @Test
    void aWrongMethodIsAnsweredWithoutAWarning(CapturedOutput output) throws IOException {
        RawHttp.Response r = raw("PUT /api/identity HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nConnection: close\r\n\r\n");
        assertProblem(r, 405);
        assertThat(r.header("Allow")).contains("GET");
        // issue 18: each 405 logged a WARN (Spring's PageNotFound logger)
        assertThat(output.getAll().lines().filter(line -> line.contains("WARN") && line.contains("PUT")))
                .isEmpty();
    }

    @Test
    void refusesALargeChunkedBodyWithoutReadingIt() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            AtomicLong written = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeChunks(out, written));
            InputStream in = socket.getInputStream();
            RawHttp.Response response = RawHttp.read(in);
            long writtenWhenAnswered = written.get();

            assertProblem(response, 413);
            assertThat(RunningPeer.JSON.readTree(response.body()).path("code").asString()).isEqualTo("body-too-large");
            assertThat(response.body()).contains("over the limit of " + (65536 * 6 + 4096) + " bytes");
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(writtenWhenAnswered).as("answered long before the client had sent the body")
                    .isLessThan(HUGE_BODY / 4);
            // the server closes the connection instead of reading on: the client cannot send it all
            writer.get(30, TimeUnit.SECONDS);
            assertThat(written.get()).as("bytes the client managed to send of " + HUGE_BODY)
                    .isLessThan(HUGE_BODY / 2);
            assertThat(in.read()).as("connection closed after the 413").isEqualTo(-1);
        }
    }

    /** Writes {@code {"text":"aaa...} in 64 KiB chunks until {@link #HUGE_BODY} or until the socket fails. */
    private static void writeChunks(OutputStream out, AtomicLong written) {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        byte[] start = "{\"text\":\"".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(start, 0, chunk, 0, start.length);
        byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
        try {
            while (written.get() < HUGE_BODY) {
                out.write(head);
                out.write(chunk);
                out.write(crlf);
                written.addAndGet(chunk.length);
                if (written.get() == chunk.length) {
                    java.util.Arrays.fill(chunk, 0, start.length, (byte) 'a');
                }
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException expected) {
            // the server closed the connection
        }
    }

    @Test
    void refusesADeclaredLargeBodyBeforeItIsSent() throws IOException {
        // only the head is sent: neither the answer nor the close may wait for a body
        long started = System.nanoTime();
        RawHttp.Response r = raw("POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n");
        assertProblem(r, 413);
        assertThat(r.body()).contains("the request body is 50000000 bytes");
        assertThat(r.header("Connection")).isEqualTo("close");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered and closed at once")
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void answersATextOverTheLimitInABodyThatWasReadInFull() throws Exception {
        // a text over max-message-bytes needs a known recipient to get as far as the size check
        PeerConnectionService remote = ApiSliceConfiguration.remote("http-edge-remote");
        String remoteId = remote.identity().peerId();
        try {
            RawHttp.Response connected = raw(post("/api/peers",
                    "{\"host\":\"127.0.0.1\",\"port\":" + remote.listenPort() + "}"));
            assertThat(connected.status()).as(connected.toString()).isIn(200, 201);

            // 65537 bytes of text: within the body limit, refused by the service after reading it whole
            String body = "{\"to\":\"" + remoteId + "\",\"text\":\"" + "x".repeat(65537) + "\"}";
            RawHttp.Response tooLarge = raw(post("/api/messages", body));
            assertProblem(tooLarge, 413);
            assertThat(tooLarge.body()).contains("text is 65537 bytes of UTF-8, the limit is 65536");
            // and through an ordinary client, as the end-to-end test does: the answer arrives whole
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port
                            + "/api/messages")).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(ONE_JSON_VALUE.readTree(r.body()).path("code").asString()).isEqualTo("too-large");
        } finally {
            raw("DELETE /api/peers/" + remoteId + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nConnection: close\r\n\r\n");
            remote.stop();
        }
    }

    /** A POST of {@code json} with the token, as one HTTP/1.1 request that closes the connection. */
    private static String post(String path, String json) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + json.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + json;
    }

    @Test
    void readsAChunkedBodyWithinTheLimit() throws Exception {
        String body = "{\"to\":\"" + "0".repeat(64) + "\",\"text\":\"" + "x".repeat(65536) + "\"}";
        StringBuilder chunked = new StringBuilder();
        for (int i = 0; i < body.length(); i += 1000) {
            String part = body.substring(i, Math.min(body.length(), i + 1000));
            chunked.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        RawHttp.Response r = raw("POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + chunked);
        // read whole and handed to the service, which knows no such recipient
        assertProblem(r, 404);
        assertThat(RunningPeer.JSON.readTree(r.body()).path("code").asString()).isEqualTo("unknown-peer");
    }

    @Test
    void requiresTheTokenForMetricsButNotForHealthOrTheSwaggerShell() throws Exception {
        for (String path : new String[] {"/actuator/prometheus", "/actuator/metrics", "/actuator",
            "/actuator/info", "/api/identity", "/api/peers", "/api/messages", "/error", "/nothing"}) {
            HttpResponse<String> none = get(path, null);
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).as(path).hasValue("Bearer");
            assertThat(none.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(
                    type -> assertThat(type).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE));
            assertThat(get(path, "wrong").statusCode()).as(path).isEqualTo(401);
        }
        assertThat(get("/actuator/prometheus", TOKEN).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/prometheus", TOKEN).body()).contains("peerlink_connections_active");
        assertThat(get("/actuator/metrics", TOKEN).statusCode()).isEqualTo(200);
        for (String path : new String[] {"/actuator/health", "/actuator/health/liveness",
            "/actuator/health/readiness", "/v3/api-docs", "/v3/api-docs/swagger-config", "/swagger-ui/index.html"}) {
            assertThat(get(path, null).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(get("/swagger-ui.html", null).statusCode()).as("redirects to the UI").isEqualTo(302);
    }

    @Test
    void keepsNoSession() throws Exception {
        HttpResponse<String> ok = get("/api/identity", TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(get("/api/identity", null).headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void letsAsyncAnswersThroughTheTokenCheck() throws Exception {
        HttpResponse<String> deferred = get("/api/test-async/deferred", TOKEN);
        assertThat(deferred.statusCode()).as(deferred.body()).isEqualTo(200);
        assertThat(deferred.body()).contains("\"answer\":\"later\"");

        HttpResponse<String> events = get("/api/test-async/events", TOKEN);
        assertThat(events.statusCode()).as(events.body()).isEqualTo(200);
        assertThat(events.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith(MediaType.TEXT_EVENT_STREAM_VALUE));
        assertThat(events.body()).contains("event:greeting", "data:first", "data:second");

        assertThat(get("/api/test-async/deferred", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/test-async/events", null).statusCode()).isEqualTo(401);
    }

    /** Async endpoints under {@code /api}, as {@code /api/events} (Server-Sent Events) will be. */
    private RawHttp.Response request(String method, String path, String host, String... headers) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        if (!method.equals("GET")) {
            head.append("Content-Type: application/json\r\nContent-Length: 2\r\n");
        }
        return raw(head.append("Connection: close\r\n\r\n").append(method.equals("GET") ? "" : "{}").toString());
    }

    private static void assertCode(RawHttp.Response r, int status, String title, String code) {
        assertProblem(r, status);
        JsonNode body = ONE_JSON_VALUE.readTree(r.body());
        assertThat(body.path("title").asString()).isEqualTo(title);
        assertThat(body.path("code").asString()).isEqualTo(code);
        assertThat(r.body()).doesNotContain("attacker", "evil");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/identity", "/api/messages?after=0", "/api/events", "/actuator/health",
        "/actuator/prometheus", "/v3/api-docs", "/swagger-ui/index.html", "/", "/index.html", "/app/api.js", "/nothing"})
    void refusesAnotherHostWith421BeforeAnythingElse(String path) throws IOException {
        String bearer = "Authorization: Bearer " + TOKEN;
        for (String host : new String[] {"attacker.example", "attacker.example:" + port, "ATTACKER.example.",
            "127.0.0.1.attacker.example", "localhost.attacker.example", "0.0.0.0:" + port, "192.0.2.10:" + port}) {
            // with the right token too: the Host check comes first
            assertCode(request("GET", path, host, bearer, "Accept: text/html"), 421, ApiError.MISDIRECTED_REQUEST.title(),
                    "misdirected-request");
            assertCode(request("GET", path, host), 421, ApiError.MISDIRECTED_REQUEST.title(), "misdirected-request");
        }
        // an absolute request target names the host as well (Tomcat takes it over the Host header)
        assertCode(raw("GET http://attacker.example:" + port + path + " HTTP/1.1\r\nHost: attacker.example:" + port
                + "\r\n" + bearer + "\r\nConnection: close\r\n\r\n"), 421, ApiError.MISDIRECTED_REQUEST.title(),
                "misdirected-request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1:%d", "localhost:%d", "LOCALHOST", "localhost.", "127.8.9.10:%d",
        "[::1]:%d", "[0:0:0:0:0:0:0:1]"})
    void answersLoopbackHostsAndLocalhost(String hostPattern) throws IOException {
        String host = hostPattern.replace("%d", Integer.toString(port));
        RawHttp.Response identity = request("GET", "/api/identity", host, "Authorization: Bearer " + TOKEN);
        assertThat(identity.status()).as(identity.toString()).isEqualTo(200);
        assertThat(request("GET", "/actuator/health", host).status()).isEqualTo(200);
        assertThat(request("GET", "/", host).status()).isEqualTo(200);
    }

    @Test
    void refusesChangesFromAnotherOriginWith403() throws IOException {
        String bearer = "Authorization: Bearer " + TOKEN;
        String self = "127.0.0.1:" + port;
        for (String origin : new String[] {"http://evil.example", "http://127.0.0.1", "http://127.0.0.1:" + (port + 1),
            "https://127.0.0.1:" + port, "http://localhost:" + port, "null", "file://", "not a url"}) {
            for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
                assertCode(request(method, "/api/messages", self, bearer, "Origin: " + origin), 403,
                        ApiError.CROSS_ORIGIN.title(), "cross-origin");
            }
        }
        // without the token too: the Origin check comes before the token check
        assertCode(request("POST", "/api/peers", self, "Origin: http://evil.example"), 403, ApiError.CROSS_ORIGIN.title(),
                "cross-origin");
        // reads are not refused for their Origin (the browser keeps the answer from the other page)
        assertThat(request("GET", "/api/identity", self, bearer, "Origin: http://evil.example").status())
                .isEqualTo(200);
        // the page's own origin, and no Origin at all (curl), reach the API: 400 for the empty body is its answer
        for (String origin : new String[] {"Origin: http://" + self, "Origin: HTTP://127.0.0.1:" + port,
            "X-No-Origin: 1"}) {
            RawHttp.Response post = request("POST", "/api/messages", self, bearer, origin);
            assertThat(post.status()).as(post.toString()).isEqualTo(400);
            assertThat(post.body()).contains("text");
        }
        RawHttp.Response viaLocalhost = request("POST", "/api/messages", "localhost:" + port, bearer,
                "Origin: http://localhost:" + port);
        assertThat(viaLocalhost.status()).as(viaLocalhost.toString()).isEqualTo(400);
    }

    @Test
    void showsHealthDetailsOnlyWithTheToken() throws Exception {
        HttpResponse<String> anonymous = get("/actuator/health", null);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        JsonNode status = ONE_JSON_VALUE.readTree(anonymous.body());
        assertThat(status.path("status").asString()).isEqualTo("UP");
        assertThat(status.has("components")).as(anonymous.body()).isFalse();
        assertThat(anonymous.body()).doesNotContain("http-edge-test", "path", "details");
        JsonNode full = ONE_JSON_VALUE.readTree(get("/actuator/health", TOKEN).body());
        assertThat(full.at("/components/peers/details/listening").asBoolean()).isTrue();
        assertThat(full.at("/components/diskSpace/details/path").isMissingNode()).isFalse();
    }

    @Test
    void swaggerUiKeepsTheTokenOutOfLocalStorage() throws Exception {
        HttpResponse<String> config = get("/v3/api-docs/swagger-config", null);
        assertThat(config.statusCode()).isEqualTo(200);
        JsonNode persist = ONE_JSON_VALUE.readTree(config.body()).path("persistAuthorization");
        assertThat(persist.isMissingNode() || !persist.asBoolean()).as(config.body()).isTrue();
        assertThat(get("/api/identity", null).statusCode()).as("try-it-out without Authorize").isEqualTo(401);
    }

    @TestConfiguration(proxyBeanMethods = false)
    @Import(AsyncEndpoints.Controller.class)
    static class AsyncEndpoints {

        @RestController
        static class Controller {

            @GetMapping("/api/test-async/deferred")
            DeferredResult<Map<String, String>> deferred() {
                DeferredResult<Map<String, String>> result = new DeferredResult<>(10_000L);
                Thread.ofVirtual().start(() -> {
                    pause();
                    result.setResult(Map.of("answer", "later"));
                });
                return result;
            }

            @GetMapping(path = "/api/test-async/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
            SseEmitter events() {
                SseEmitter emitter = new SseEmitter(10_000L);
                Thread.ofVirtual().start(() -> {
                    try {
                        pause();
                        emitter.send(SseEmitter.event().name("greeting").data("first"));
                        pause();
                        emitter.send(SseEmitter.event().name("greeting").data("second"));
                        emitter.complete();
                    } catch (IOException e) {
                        emitter.completeWithError(e);
                    }
                });
                return emitter;
            }

            private static void pause() {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
