package io.peerlink.support;

import java.net.http.HttpClient;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one HTTP client and JSON mapper of the end-to-end tests and the benchmark's process control
 * ({@link PeerProcess}, {@link SseClient}), and small helpers on their values.
 */
public final class Http {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    public static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {
    }

    public static JsonNode parse(String json) {
        return JSON.readTree(json);
    }

    public static String write(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** A field that must be there, as text; fails naming the field and the node otherwise. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw new AssertionError("no \"" + field + "\" in " + abbreviate(node.toString()));
        }
        return value.asString();
    }

    /** A number field that must be there; fails naming the field and the node otherwise. */
    public static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber()) {
            throw new AssertionError("no number \"" + field + "\" in " + abbreviate(node.toString()));
        }
        return value.asLong();
    }

    public static String abbreviate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }
}
