package io.peerlink.api;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * Every kind of error the HTTP API answers, each with its one status, title, stable {@code code} and
 * problem {@code type} URI (RFC 9457). {@link ApiExceptionHandler} turns an {@link ApiException} (or a
 * Spring MVC, peer service or container error) into the problem; nothing else builds one. README's
 * "Errors" table lists them. The codes never change meaning: clients may switch on them.
 *
 * <p>The type URIs are {@code tag:} URIs (RFC 4151), which RFC 9457 section 3.1.1 names for problem
 * types that are identifiers, not documents to fetch.
 */
public enum ApiError {

    /** The body is not JSON, not one object, or a field has the wrong JSON type. */
    UNREADABLE_BODY(HttpStatus.BAD_REQUEST, "Unreadable request body"),
    /** The body has a property the endpoint does not know (a misspelt field is never ignored). */
    UNKNOWN_PROPERTY(HttpStatus.BAD_REQUEST, "Unknown property"),
    /** A field, parameter or header has a value outside what the endpoint takes. */
    INVALID_REQUEST(HttpStatus.BAD_REQUEST, "Invalid request"),
    /** {@code after} is ahead of the newest stored message: the cursor is not from this peer's store. */
    INVALID_CURSOR(HttpStatus.BAD_REQUEST, "Invalid cursor"),
    /** The address answers with this peer's own identity. */
    SELF(HttpStatus.BAD_REQUEST, "That is this peer"),
    /** The request is not valid HTTP, or its path has an encoded {@code /}, {@code \} or a bad escape. */
    BAD_HTTP_REQUEST(HttpStatus.BAD_REQUEST, "Bad HTTP request"),
    /** Missing or wrong bearer token. */
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "Unauthorized"),
    /** A request from a web page of another origin (the {@code Origin} check). */
    CROSS_ORIGIN(HttpStatus.FORBIDDEN, "Cross-origin request refused"),
    /** Not allowed for this caller. */
    FORBIDDEN(HttpStatus.FORBIDDEN, "Forbidden"),
    /** No endpoint at this path. */
    NO_ENDPOINT(HttpStatus.NOT_FOUND, "No such endpoint"),
    /** No such peer is known. */
    UNKNOWN_PEER(HttpStatus.NOT_FOUND, "Unknown peer"),
    /** No message with that id is stored. */
    UNKNOWN_MESSAGE(HttpStatus.NOT_FOUND, "Unknown message"),
    /** The endpoint exists, the method does not ({@code Allow} lists the ones that do). */
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    /** The {@code Accept} header names nothing this endpoint can answer. */
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    /** The client sent no complete request in time. */
    REQUEST_TIMEOUT(HttpStatus.REQUEST_TIMEOUT, "Request timeout"),
    /** The peer's identity is not the expected one. */
    FINGERPRINT_MISMATCH(HttpStatus.CONFLICT, "Fingerprint mismatch"),
    /** Another identity answers at an address where a known peer answered before. */
    KEY_CHANGED(HttpStatus.CONFLICT, "Key changed"),
    /** No peer is connected, or several are and none was named. */
    NO_RECIPIENT(HttpStatus.CONFLICT, "No recipient"),
    /** A message id was used before for other content. */
    ID_CONFLICT(HttpStatus.CONFLICT, "Message id already used"),
    /** The alias belongs to another peer. */
    ALIAS_TAKEN(HttpStatus.CONFLICT, "Alias taken"),
    /** The safety number given is not the one this peer computes. */
    SAFETY_NUMBER_MISMATCH(HttpStatus.CONFLICT, "Safety number mismatch"),
    /** The peer is blocked: unblock it first ({@code DELETE /api/peers/{peerId}/block}). */
    BLOCKED(HttpStatus.CONFLICT, "Peer blocked"),
    /** The action does not fit the peer's relation (accepting a blocked peer, unblocking one not blocked). */
    RELATION(HttpStatus.CONFLICT, "Not possible for this peer's relation"),
    /** No invite can be made: this peer does not know the address others reach it at. */
    NO_ADDRESS(HttpStatus.CONFLICT, "Address unknown"),
    /** {@code peerlink.invites.max-open-grants} invites are open (neither used nor expired). */
    TOO_MANY_INVITES(HttpStatus.CONFLICT, "Too many open invites"),
    /** The text is over {@code peerlink.max-message-bytes}. */
    TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "Message too large"),
    /** The request body is over the limit of the HTTP edge (refused before or while it is read). */
    BODY_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "Request body too large"),
    /** The request line is longer than the server takes. */
    URI_TOO_LONG(HttpStatus.URI_TOO_LONG, "URI too long"),
    /** The body is not {@code application/json}. */
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    /** The {@code Host} header names no name or address this peer answers to (the Host check). */
    MISDIRECTED_REQUEST(HttpStatus.MISDIRECTED_REQUEST, "Misdirected request"),
    /** The request headers are larger than the server takes. */
    HEADERS_TOO_LARGE(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers too large"),
    /** Anything unexpected; the peer's log has the details. */
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error"),
    /** The HTTP method is one the server does not implement at all. */
    NOT_IMPLEMENTED(HttpStatus.NOT_IMPLEMENTED, "Not implemented"),
    /** The host could not be reached (refused, unreachable, timed out, unknown host). */
    UNREACHABLE(HttpStatus.BAD_GATEWAY, "Peer unreachable"),
    /** The host answered but the handshake failed. */
    HANDSHAKE_FAILED(HttpStatus.BAD_GATEWAY, "Handshake failed"),
    /** No room for another connection ({@code max-connections}). */
    CAPACITY(HttpStatus.SERVICE_UNAVAILABLE, "At capacity"),
    /**
     * The store did not commit within the time-out. The message may still be committed and sent: the
     * problem carries its {@code id}, and a retry with that id is answered 200 and sends nothing twice.
     */
    COMMIT_TIMEOUT(HttpStatus.SERVICE_UNAVAILABLE, "Commit timed out"),
    /** The peer service is not running (starting or shutting down). */
    STOPPED(HttpStatus.SERVICE_UNAVAILABLE, "Peer service stopped"),
    /** The request's HTTP version is not one the server speaks. */
    HTTP_VERSION_NOT_SUPPORTED(HttpStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP version not supported");

    /** The problem type URIs' common prefix; the code follows it. */
    public static final String TYPE_PREFIX = "tag:peerlink.io,2026:problem:";

    private final HttpStatus status;
    private final String title;
    private final String code;
    private final URI type;

    ApiError(HttpStatus status, String title) {
        this.status = status;
        this.title = title;
        this.code = name().toLowerCase(Locale.ROOT).replace('_', '-');
        this.type = URI.create(TYPE_PREFIX + code);
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** Stable, machine-readable: lowercase words joined by {@code -}, e.g. {@code unknown-peer}. */
    public String code() {
        return code;
    }

    public URI type() {
        return type;
    }

    /**
     * The kind of an error known by its status alone (the container's own answers, a
     * {@code sendError}); empty for a status no kind has (then the problem is {@code about:blank}).
     */
    public static Optional<ApiError> forStatus(int status) {
        ApiError error = switch (status) {
            case 400 -> BAD_HTTP_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NO_ENDPOINT;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 408 -> REQUEST_TIMEOUT;
            case 413 -> BODY_TOO_LARGE;
            case 414 -> URI_TOO_LONG;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 421 -> MISDIRECTED_REQUEST;
            case 431 -> HEADERS_TOO_LARGE;
            case 501 -> NOT_IMPLEMENTED;
            case 503 -> STOPPED;
            case 505 -> HTTP_VERSION_NOT_SUPPORTED;
            case 500 -> INTERNAL_ERROR;
            default -> null;
        };
        return Optional.ofNullable(error);
    }
}
