package io.peerlink.api;

import io.peerlink.config.PeerlinkProperties;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document behind {@code /v3/api-docs} and Swagger UI: metadata, the Bearer security
 * scheme (Swagger UI's Authorize button), and the problem responses the controllers refer to by
 * name, each with examples of what the API really answers.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String BEARER_SCHEME = "bearerAuth";
    static final String PROBLEM_SCHEMA = "Problem";

    // Reusable responses, referenced as @ApiResponse(ref = ...).
    static final String BAD_REQUEST = "BadRequest";
    static final String UNAUTHORIZED = "Unauthorized";
    static final String UNKNOWN_PEER = "UnknownPeer";
    static final String FINGERPRINT_MISMATCH = "FingerprintMismatch";
    static final String NO_RECIPIENT = "NoRecipient";
    static final String MESSAGE_TOO_LARGE = "MessageTooLarge";
    static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
    static final String PEER_UNREACHABLE = "PeerUnreachable";
    static final String UNAVAILABLE = "Unavailable";
    static final String ID_CONFLICT = "MessageIdConflict";
    static final String UNKNOWN_MESSAGE = "UnknownMessage";

    @Bean
    OpenAPI peerlinkOpenApi(PeerlinkProperties properties) {
        Components components = new Components()
                .addSecuritySchemes(BEARER_SCHEME, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("The peer's peerlink.api-token. Needed only when the peer sets one."))
                .addSchemas(PROBLEM_SCHEMA, problemSchema())
                .addResponses(BAD_REQUEST, problem("Bad input: the detail says what was wrong",
                        example("Malformed JSON", 400, "Unreadable request body",
                                "Malformed JSON at line 1, column 10: Unexpected end-of-input: expected close marker for Object", "/api/messages", null),
                        example("Wrong type", 400, "Unreadable request body",
                                "Field 'port' has the wrong type: expected an integer", "/api/peers", null),
                        example("Missing field", 400, "Invalid request", "port is required", "/api/peers", null),
                        example("Empty text", 400, "Invalid request", "text must not be empty or blank", "/api/messages", null),
                        example("Limit out of range", 400, "Invalid request",
                                "limit must be between 1 and 1000 (got '5000')", "/api/messages", null),
                        example("Bad cursor", 400, "Invalid cursor",
                                "after: cursor 99 is ahead of the newest message (cursor 12); start again from 0",
                                "/api/messages", null)))
                .addResponses(UNKNOWN_PEER, problem("No such peer is known",
                        example("Unknown peer", 404, "Unknown peer", "no peer " + Examples.PEER_ID + " is known",
                                "/api/peers/" + Examples.PEER_ID, "unknown-peer")))
                .addResponses(FINGERPRINT_MISMATCH, problem("The peer's identity is not the expected one",
                        example("Fingerprint mismatch", 409, "Fingerprint mismatch",
                                "the peer at 192.0.2.10:5555 has fingerprint 9b1e 4c7a 2d5f ... 9f2a, not the expected "
                                        + Examples.FINGERPRINT, "/api/peers", "fingerprint-mismatch")))
                .addResponses(NO_RECIPIENT, problem("No peer connected, or several and no \"to\"",
                        example("None connected", 409, "No recipient",
                                "no peer is connected: connect one first (POST /api/peers)", "/api/messages",
                                "no-recipient"),
                        example("Several connected", 409, "No recipient",
                                "2 peers are connected: say which one with \"to\"", "/api/messages", "no-recipient")))
                .addResponses(ID_CONFLICT, problem("The id was used before for a message with other content",
                        example("Id used", 409, "Message id already used", "message " + Examples.MESSAGE_ID
                                + " was stored before with other content; use a new id for a new message",
                                "/api/messages", "id-conflict")))
                .addResponses(UNKNOWN_MESSAGE, problem("No message with that id is stored",
                        example("Unknown message", 404, "Unknown message", "no message " + Examples.MESSAGE_ID
                                + " is stored", "/api/messages/" + Examples.MESSAGE_ID, "unknown-message")))
                .addResponses(MESSAGE_TOO_LARGE, problem("The text is over peerlink.max-message-bytes",
                        example("Too large", 413, "Message too large",
                                "text is 70000 bytes of UTF-8, the limit is 65536", "/api/messages", "too-large")))
                .addResponses(UNSUPPORTED_MEDIA_TYPE, problem("The body is not application/json",
                        example("Not JSON", 415, "Unsupported Media Type",
                                "Content-Type text/plain is not supported; send application/json", "/api/messages",
                                null)))
                .addResponses(PEER_UNREACHABLE, problem("The host cannot be reached, or the handshake failed",
                        example("Unreachable", 502, "Peer unreachable",
                                "cannot reach 192.0.2.10:5555: ConnectException: Connection refused", "/api/peers",
                                "unreachable"),
                        example("Handshake failed", 502, "Handshake failed",
                                "handshake with 192.0.2.10:5555 failed: bad frame type", "/api/peers",
                                "handshake-failed")))
                .addResponses(UNAVAILABLE, problem("At capacity (max-connections), or shutting down; retry later",
                        example("At capacity", 503, "At capacity", "already 64 connections open (max-connections)",
                                "/api/peers", "capacity")))
                .addResponses(UNAUTHORIZED, problem("Missing or wrong bearer token (peerlink.api-token is set)",
                        example("No token", 401, "Unauthorized",
                                "This API needs an Authorization: Bearer <token> header (the peer's peerlink.api-token)",
                                "/api/identity", null),
                        example("Wrong token", 401, "Unauthorized", "The bearer token is not valid", "/api/identity",
                                null)));
        OpenAPI api = new OpenAPI()
                .info(new Info()
                        .title("peerlink peer API")
                        .version("v1")
                        .description("Control API of one peerlink peer: connect to other peers, send end-to-end "
                                + "encrypted messages, read the stored history, and follow /api/events. Errors are RFC 9457 "
                                + "application/problem+json. When the peer sets peerlink.api-token, every call but health "
                                + "and this documentation needs Authorization: Bearer <token> (use Authorize).")
                        .license(new License().name("see the project")))
                .components(components);
        if (properties.apiTokenEnabled()) {
            api.addSecurityItem(new SecurityRequirement().addList(BEARER_SCHEME));
        }
        return api;
    }

    /** With a token set, every operation may answer 401. */
    @Bean
    OpenApiCustomizer unauthorizedResponses(PeerlinkProperties properties) {
        return openApi -> {
            if (!properties.apiTokenEnabled() || openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().values().forEach(path -> path.readOperations().forEach(op -> op.getResponses()
                    .addApiResponse("401", new ApiResponse().$ref("#/components/responses/" + UNAUTHORIZED))));
        };
    }

    private static Schema<?> problemSchema() {
        Map<String, Schema> props = new LinkedHashMap<>();
        props.put("type", typed("string").format("uri-reference").description("problem type; about:blank when only the status matters")
                .example("about:blank"));
        props.put("title", typed("string").description("short summary of the problem type"));
        props.put("status", typed("integer").description("the HTTP status"));
        props.put("detail", typed("string").description("what was wrong, for people"));
        props.put("instance", typed("string").format("uri-reference").description("the request path"));
        props.put("code", typed("string").description("machine-readable reason of a peer error, e.g. unreachable"));
        props.put("errors", typed("array").items(typed("object")
                .addProperty("field", typed("string"))
                .addProperty("parameter", typed("string"))
                .addProperty("message", typed("string")))
                .description("each invalid field or parameter"));
        return typed("object").properties(props).description("RFC 9457 problem details");
    }

    private static Schema<Object> typed(String type) {
        Schema<Object> s = new Schema<>();
        s.type(type);
        s.addType(type);
        return s;
    }

    @SafeVarargs
    private static ApiResponse problem(String description, Map.Entry<String, Example>... examples) {
        Map<String, Example> byName = new LinkedHashMap<>();
        for (Map.Entry<String, Example> e : examples) {
            byName.put(e.getKey(), e.getValue());
        }
        return new ApiResponse().description(description).content(new Content().addMediaType(
                org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM_SCHEMA)).examples(byName)));
    }

    private static Map.Entry<String, Example> example(String summary, int status, String title, String detail,
            String instance, String code) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("type", "about:blank");
        value.put("title", title);
        value.put("status", status);
        value.put("detail", detail);
        value.put("instance", instance);
        if (code != null) {
            value.put("code", code);
        }
        String key = summary.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        return Map.entry(key, new Example().summary(summary).value(value));
    }
}
