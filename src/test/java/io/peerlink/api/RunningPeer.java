package io.peerlink.api;

import io.peerlink.PeerlinkApplication;
import io.peerlink.support.SseClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One whole peer, a real Spring context with its own HTTP port, peer port and data directory, driven
 * only over HTTP, as a user with curl would.
 */
final class RunningPeer implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    final String name;
    final ConfigurableApplicationContext context;
    final String baseUrl;
    final String token;
    final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    final String peerId;
    final String fingerprint;
    final int peerPort;

    private RunningPeer(String name, ConfigurableApplicationContext context, String token) {
        this.name = name;
        this.context = context;
        this.token = token;
        this.baseUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
        JsonNode identity = json(get("/api/identity"));
        this.peerId = identity.path("peerId").asString();
        this.fingerprint = identity.path("fingerprint").asString();
        this.peerPort = identity.path("listenPort").asInt();
    }

    /** Starts a peer on loopback with free ports; {@code token} may be null. */
    static RunningPeer start(String name, Path dataDir, String token, String... extraProperties) {
        List<String> props = new ArrayList<>(List.of(
                "server.port=0",
                "peerlink.listen-host=127.0.0.1",
                "peerlink.listen-port=0",
                "peerlink.data-dir=" + dataDir,
                "peerlink.key-size=2048",
                "peerlink.keep-alive-interval=1s",
                "peerlink.idle-timeout=4s",
                "spring.main.banner-mode=off",
                "spring.application.name=peer-" + name));
        if (token != null) {
            props.add("peerlink.api-token=" + token);
        }
        props.addAll(List.of(extraProperties));
        // as command-line arguments: they override application.yaml (builder properties would not)
        ConfigurableApplicationContext context = new SpringApplicationBuilder(PeerlinkApplication.class)
                .run(props.stream().map(p -> "--" + p).toArray(String[]::new));
        return new RunningPeer(name, context, token);
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    HttpResponse<String> getWithoutToken(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT).GET().build());
    }

    HttpResponse<String> get(String path, String authorization) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT)
                .header("Authorization", authorization).GET().build());
    }

    CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return http.sendAsync(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build());
    }

    /** {@code POST /api/peers} to the other peer's peer port. */
    HttpResponse<String> connect(RunningPeer other, boolean withFingerprint) {
        return post("/api/peers", "{\"host\":\"127.0.0.1\",\"port\":" + other.peerPort
                + (withFingerprint ? ",\"expectedFingerprint\":\"" + other.fingerprint + "\"" : "") + "}");
    }

    /** {@code POST /api/messages}; {@code to} may be null. */
    HttpResponse<String> sendMessage(String to, String text) {
        String body = JSON.writeValueAsString(to == null
                ? Map.of("text", text)
                : Map.of("to", to, "text", text));
        return post("/api/messages", body);
    }

    /** {@code POST /api/messages} with a client-chosen id. */
    HttpResponse<String> sendMessage(String to, String text, java.util.UUID id) {
        return post("/api/messages", JSON.writeValueAsString(Map.of("to", to, "text", text, "id", id.toString())));
    }

    /** Opens {@code /api/events}; {@code lastEventId} (may be null) goes in the Last-Event-ID header. */
    SseClient events(String query, String lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/api/events" + query))
                .header("Accept", "text/event-stream");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return SseClient.connect(http, b.GET().build(), "/api/events" + query + " at " + name, () -> "");
    }

    /** The newest cursor of the inbox: polls from 0 until a page comes back empty. */
    long latestCursor() {
        long after = 0;
        while (true) {
            JsonNode page = json(get("/api/messages?after=" + after + "&limit=1000"));
            if (page.path("messages").isEmpty()) {
                return after;
            }
            after = page.path("nextCursor").asLong();
        }
    }

    /** Forgets every known peer (DELETE each). */
    void disconnectAll() {
        for (JsonNode p : json(get("/api/peers"))) {
            delete("/api/peers/" + p.path("peerId").asString());
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        if (response.statusCode() >= 300) {
            throw new AssertionError("expected success, got " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    static JsonNode body(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        context.close();
        http.close();
    }

    @Override
    public String toString() {
        return "peer " + name;
    }
}
