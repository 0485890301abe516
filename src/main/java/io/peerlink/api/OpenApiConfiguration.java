package io.peerlink.api;

import io.peerlink.config.PeerlinkProperties;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document behind {@code /v3/api-docs} and Swagger UI: metadata, the bearer security
 * scheme, the {@code Problem} schema, and the problem responses the controllers refer to by name,
 * each with an example of every {@link ApiError} kind it stands for, as the server answers it.
 * Response schemas mark every field required (responses always carry every field, null where it
 * does not apply); request schemas refuse unknown properties, as {@link StrictJson} does. The
 * document is linted in CI with Redocly's recommended rules and walked by {@code ApiContractTest}.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String BEARER_SCHEME = "bearerAuth";
    static final String PROBLEM_SCHEMA = "Problem";
    static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;

    // Reusable responses, referenced as @ApiResponse(ref = ...).
    static final String BAD_REQUEST = "BadRequest";
    static final String UNAUTHORIZED = "Unauthorized";
    static final String UNKNOWN_PEER = "UnknownPeer";
    static final String UNKNOWN_MESSAGE = "UnknownMessage";
    static final String NOT_ACCEPTABLE = "NotAcceptable";
    static final String CONNECT_CONFLICT = "ConnectConflict";
    static final String SEND_CONFLICT = "SendConflict";
    static final String ALIAS_TAKEN = "AliasTaken";
    static final String SAFETY_NUMBER_MISMATCH = "SafetyNumberMismatch";
    static final String RELATION_CONFLICT = "RelationConflict";
    static final String INVITE_CONFLICT = "InviteConflict";
    static final String BODY_TOO_LARGE = "BodyTooLarge";
    static final String MESSAGE_TOO_LARGE = "MessageTooLarge";
    static final String UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType";
    static final String PEER_UNREACHABLE = "PeerUnreachable";
    static final String UNAVAILABLE = "Unavailable";

    /** Response schemas: the server always writes every one of their fields. */
    static final Set<String> RESPONSE_SCHEMAS = Set.of("Message", "Peer", "Identity", "CryptoProviders", "Messages",
            "Conversation", "Invite");
    /** Request schemas: bodies with other properties are refused (400 unknown-property). */
    static final Set<String> REQUEST_SCHEMAS = Set.of("SendMessageRequest", "ConnectRequest", "RenameRequest",
            "VerifyRequest");

    static final String LICENSE_NAME = "Apache-2.0";
    static final String LICENSE_URL = "https://www.apache.org/licenses/LICENSE-2.0";

    @Bean
    OpenAPI peerlinkOpenApi(PeerlinkProperties properties) {
        String instant = Examples.INSTANT;
        Components components = new Components()
                .addSecuritySchemes(BEARER_SCHEME, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("The peer's `peerlink.api-token`, sent as `Authorization: Bearer <token>`. "
                                + "Needed only when the peer sets one."))
                .addSchemas(PROBLEM_SCHEMA, problemSchema())
                .addResponses(BAD_REQUEST, problem("Bad input: `code` says which kind, `detail` what was wrong",
                        example("Malformed JSON", ApiError.UNREADABLE_BODY,
                                "Malformed JSON at line 1, column 10: Unexpected end-of-input: expected close marker "
                                        + "for Object", "/api/messages"),
                        example("Wrong type", ApiError.UNREADABLE_BODY,
                                "Field 'port' has the wrong type: expected an integer", "/api/peers"),
                        example("Unknown property", ApiError.UNKNOWN_PROPERTY,
                                "Unknown property 'recipients': expected one of id, text, to", "/api/messages"),
                        example("Missing field", ApiError.INVALID_REQUEST, "port is required", "/api/peers"),
                        example("Empty text", ApiError.INVALID_REQUEST, "text must not be empty or blank",
                                "/api/messages"),
                        example("Limit out of range", ApiError.INVALID_REQUEST,
                                "limit must be between 1 and 1000 (got '5000')", "/api/messages"),
                        example("Not a UUID", ApiError.INVALID_REQUEST, "id must be a UUID (got 'not-a-uuid')",
                                "/api/messages/not-a-uuid"),
                        example("Bad cursor", ApiError.INVALID_CURSOR,
                                "after: cursor 99 is ahead of the newest message (cursor 12); start again from 0",
                                "/api/messages"),
                        example("This peer", ApiError.SELF,
                                "192.0.2.10:5555 answers with this peer's own identity: that is this peer",
                                "/api/peers")))
                .addResponses(UNKNOWN_PEER, problem("No such peer is known",
                        example("Unknown peer", ApiError.UNKNOWN_PEER, "no peer " + Examples.PEER_ID + " is known",
                                "/api/peers/" + Examples.PEER_ID)))
                .addResponses(UNKNOWN_MESSAGE, problem("No message with that id is stored",
                        example("Unknown message", ApiError.UNKNOWN_MESSAGE, "no message " + Examples.MESSAGE_ID
                                + " is stored", "/api/messages/" + Examples.MESSAGE_ID)))
                .addResponses(NOT_ACCEPTABLE, problem("The Accept header names no type this operation answers "
                                + "(the body is sent only if the client accepts application/problem+json)",
                        example("Not acceptable", ApiError.NOT_ACCEPTABLE,
                                "Acceptable representations: [application/json, application/*+json].", "/api/peers")))
                .addResponses(CONNECT_CONFLICT, problem("The peer's identity is not the expected one",
                        example("Fingerprint mismatch", ApiError.FINGERPRINT_MISMATCH,
                                "the peer at 192.0.2.10:5555 has fingerprint 9b1e 4c7a 2d5f ... 9f2a, not the "
                                        + "expected " + Examples.FINGERPRINT, "/api/peers"),
                        example("Key changed", ApiError.KEY_CHANGED,
                                "192.0.2.10:5555 answered with another identity than the known peer there",
                                "/api/peers")))
                .addResponses(SEND_CONFLICT, problem("No recipient (no peer connected, or several and no \"to\"), "
                                + "or the id was used before for a message with other content",
                        example("None connected", ApiError.NO_RECIPIENT,
                                "no peer is connected: connect one first (POST /api/peers)", "/api/messages"),
                        example("Several connected", ApiError.NO_RECIPIENT,
                                "2 peers are connected: say which one with \"to\"", "/api/messages"),
                        example("Id used", ApiError.ID_CONFLICT, "message " + Examples.MESSAGE_ID
                                + " was stored before with other content; use a new id for a new message",
                                "/api/messages")))
                .addResponses(ALIAS_TAKEN, problem("Another peer has that alias",
                        example("Alias taken", ApiError.ALIAS_TAKEN, "alias alice belongs to another peer",
                                "/api/peers/" + Examples.PEER_ID)))
                .addResponses(SAFETY_NUMBER_MISMATCH, problem("Not this peer's safety number; nothing changed",
                        example("Safety number mismatch", ApiError.SAFETY_NUMBER_MISMATCH,
                                "that is not the safety number of " + Examples.PEER_ID,
                                "/api/peers/" + Examples.PEER_ID + "/verify")))
                .addResponses(RELATION_CONFLICT, problem("Not possible for the peer's relation; nothing changed",
                        example("Blocked", ApiError.RELATION, "peer " + Examples.PEER_ID + " is blocked: lift the "
                                + "block first (DELETE /api/peers/" + Examples.PEER_ID + "/block)",
                                "/api/peers/" + Examples.PEER_ID + "/accept"),
                        example("Not blocked", ApiError.RELATION, "peer " + Examples.PEER_ID + " is not blocked",
                                "/api/peers/" + Examples.PEER_ID + "/block")))
                .addResponses(INVITE_CONFLICT, problem("No invite made: this peer does not know the address others "
                                + "reach it at, or peerlink.invites.max-open-grants invites are open",
                        example("Address unknown", ApiError.NO_ADDRESS, "this peer does not know the address other "
                                + "peers reach it at and names no relay: set peerlink.advertised-address (host:port) or "
                                + "peerlink.relays", "/api/invites"),
                        example("Too many open invites", ApiError.TOO_MANY_INVITES, "1000 invites are open (neither "
                                + "used nor expired), the most peerlink.invites.max-open-grants allows; wait until "
                                + "some are used or expire", "/api/invites")))
                .addResponses(BODY_TOO_LARGE, problem("The request body is over the limit (6 x max-message-bytes "
                                + "+ 4 KiB); the connection closes",
                        example("Body too large", ApiError.BODY_TOO_LARGE, "the request body is 500000 bytes, over "
                                + "the limit of 397312 bytes; a message holds at most 65536 bytes of UTF-8 text",
                                "/api/peers")))
                .addResponses(MESSAGE_TOO_LARGE, problem("The text is over peerlink.max-message-bytes, or the body "
                                + "over the request limit",
                        example("Too large", ApiError.TOO_LARGE, "text is 70000 bytes of UTF-8, the limit is 65536",
                                "/api/messages"),
                        example("Body too large", ApiError.BODY_TOO_LARGE, "the request body is 500000 bytes, over "
                                + "the limit of 397312 bytes; a message holds at most 65536 bytes of UTF-8 text",
                                "/api/messages")))
                .addResponses(UNSUPPORTED_MEDIA_TYPE, problem("The body is not application/json",
                        example("Not JSON", ApiError.UNSUPPORTED_MEDIA_TYPE,
                                "Content-Type text/plain is not supported; send application/json", "/api/messages")))
                .addResponses(PEER_UNREACHABLE, problem("The host cannot be reached, or the handshake failed",
                        example("Unreachable", ApiError.UNREACHABLE,
                                "cannot reach 192.0.2.10:5555: ConnectException: Connection refused", "/api/peers"),
                        example("Handshake failed", ApiError.HANDSHAKE_FAILED,
                                "handshake with 192.0.2.10:5555 failed: bad frame type", "/api/peers")))
                .addResponses(UNAVAILABLE, problem("At capacity (max-connections), the store did not commit in "
                                + "time, or the peer is shutting down: retry after Retry-After seconds. After a "
                                + "commit time-out of a send, retry with the problem's id: the message is sent once.",
                        example("At capacity", ApiError.CAPACITY, "already 64 connections open (max-connections)",
                                "/api/peers"),
                        withId(example("Commit timed out", ApiError.COMMIT_TIMEOUT, "the store did not commit "
                                + "within 30000 ms; the message may still be sent: retry with id "
                                + Examples.MESSAGE_ID + " to send it at most once", "/api/messages")),
                        example("Stopped", ApiError.STOPPED, "the peer service is not running", "/api/messages"))
                        .addHeaderObject("Retry-After", new Header().description("seconds to wait before retrying")
                                .schema(typed("integer"))))
                .addResponses(UNAUTHORIZED, problem("Missing or wrong bearer token (peerlink.api-token is set)",
                        example("No token", ApiError.UNAUTHORIZED,
                                "This API needs an Authorization: Bearer <token> header (the peer's peerlink.api-token)",
                                "/api/identity"),
                        example("Wrong token", ApiError.UNAUTHORIZED, "The bearer token is not valid",
                                "/api/identity"))
                        .addHeaderObject("WWW-Authenticate", new Header().description("Bearer (RFC 6750)")
                                .schema(typed("string"))));
        EventSchemas.addTo(components);
        return new OpenAPI()
                .info(new Info()
                        .title("peerlink peer API")
                        .version("v1")
                        .description("Control API of one peerlink peer: connect to other peers, send end-to-end "
                                + "encrypted messages, read the stored history, and follow `/api/events`. Errors are "
                                + "RFC 9457 `application/problem+json` with a stable `code` and a `type` per kind. "
                                + "When the peer sets `peerlink.api-token`, every call but health and this "
                                + "documentation needs `Authorization: Bearer <token>` (use Authorize).")
                        .license(new License().name(LICENSE_NAME).url(LICENSE_URL)))
                .components(components);
    }

    /**
     * What depends on the configuration and on every operation: the security requirement (the token,
     * or none), 401 on every operation when a token is set (else the Unauthorized response is
     * dropped), 406 on every operation that answers a body, required fields of response schemas,
     * closed request schemas.
     */
    @Bean
    OpenApiCustomizer contractCustomizer(PeerlinkProperties properties) {
        return openApi -> {
            boolean token = properties.apiTokenEnabled();
            List<SecurityRequirement> security = new ArrayList<>();
            if (!token) {
                security.add(new SecurityRequirement()); // anonymous: no token set on this peer
            }
            security.add(new SecurityRequirement().addList(BEARER_SCHEME));
            openApi.setSecurity(security);
            if (!token && openApi.getComponents().getResponses() != null) {
                openApi.getComponents().getResponses().remove(UNAUTHORIZED);
            }
            if (openApi.getPaths() != null) {
                openApi.getPaths().values().forEach(path -> path.readOperations().forEach(op -> {
                    if (token) {
                        op.getResponses().addApiResponse("401", ref(UNAUTHORIZED));
                    }
                    // content negotiation happens only for an answer with a body (not for a 204)
                    boolean answersContent = op.getResponses().entrySet().stream().anyMatch(r ->
                            r.getKey().startsWith("2") && r.getValue().getContent() != null
                                    && !r.getValue().getContent().isEmpty());
                    if (answersContent) {
                        op.getResponses().addApiResponse("406", ref(NOT_ACCEPTABLE));
                    }
                }));
            }
            Map<String, Schema> schemas = openApi.getComponents().getSchemas();
            if (schemas != null) {
                schemas.forEach((name, schema) -> {
                    if (RESPONSE_SCHEMAS.contains(name) && schema.getProperties() != null) {
                        schema.setRequired(new ArrayList<>(schema.getProperties().keySet()));
                    }
                    if (REQUEST_SCHEMAS.contains(name)) {
                        schema.setAdditionalProperties(Boolean.FALSE);
                    }
                });
            }
            if (openApi.getServers() != null) {
                openApi.getServers().forEach(server -> server.setDescription("this peer (the address this "
                        + "document was fetched from)"));
            }
        };
    }

    private static ApiResponse ref(String response) {
        return new ApiResponse().$ref("#/components/responses/" + response);
    }

    private static Schema<?> problemSchema() {
        Map<String, Schema> props = new LinkedHashMap<>();
        props.put("type", typed("string").format("uri").description("the kind's type URI, "
                + ApiError.TYPE_PREFIX + "<code>; about:blank for a status the container answers that has no kind (then the "
                + "code is http-<status>)")
                .example(ApiError.UNKNOWN_PEER.type().toString()));
        props.put("title", typed("string").description("the kind's title, the same for every problem of the kind")
                .example(ApiError.UNKNOWN_PEER.title()));
        props.put("status", typed("integer").description("the HTTP status").example(404));
        props.put("detail", typed("string").description("what was wrong: the value and what was expected"));
        props.put("instance", typed("string").format("uri-reference").description("the request path"));
        props.put("code", typed("string").pattern("^[a-z0-9-]+$")
                .description("stable machine-readable kind (README lists them), e.g. unknown-peer")
                .example(ApiError.UNKNOWN_PEER.code()));
        props.put("errors", typed("array").items(typed("object")
                .addProperty("field", typed("string"))
                .addProperty("parameter", typed("string"))
                .addProperty("message", typed("string")))
                .description("each invalid field or parameter"));
        props.put("id", typed("string").format("uuid").description("commit-timeout of a send: the message's id; "
                + "retry with it"));
        Schema<?> problem = typed("object").properties(props).description("RFC 9457 problem details");
        problem.setRequired(List.of("type", "title", "status", "detail", "code"));
        return problem;
    }

    static Schema<Object> typed(String type) {
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
        return new ApiResponse().description(description).content(new Content().addMediaType(PROBLEM_JSON,
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM_SCHEMA)).examples(byName)));
    }

    private static Map.Entry<String, Example> example(String summary, ApiError error, String detail, String instance) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("type", error.type().toString());
        value.put("title", error.title());
        value.put("status", error.status().value());
        value.put("detail", detail);
        value.put("instance", instance);
        value.put("code", error.code());
        String key = summary.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        return Map.entry(key, new Example().summary(summary).value(value));
    }

    @SuppressWarnings("unchecked")
    private static Map.Entry<String, Example> withId(Map.Entry<String, Example> example) {
        ((Map<String, Object>) example.getValue().getValue()).put("id", Examples.MESSAGE_ID);
        return example;
    }
}
