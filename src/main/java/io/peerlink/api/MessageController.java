package io.peerlink.api;

import static io.peerlink.api.OpenApiConfiguration.BAD_REQUEST;
import static io.peerlink.api.OpenApiConfiguration.MESSAGE_TOO_LARGE;
import static io.peerlink.api.OpenApiConfiguration.NO_RECIPIENT;
import static io.peerlink.api.OpenApiConfiguration.UNAVAILABLE;
import static io.peerlink.api.OpenApiConfiguration.UNKNOWN_PEER;
import static io.peerlink.api.OpenApiConfiguration.UNSUPPORTED_MEDIA_TYPE;

import io.peerlink.connection.Inbox;
import io.peerlink.connection.PeerConnectionException;
import io.peerlink.connection.PeerConnectionService;
import io.peerlink.identity.Fingerprints;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/messages}: send messages, and poll (or long-poll) the inbox. */
@RestController
@RequestMapping("/api/messages")
@Tag(name = "Messages", description = "Sending messages and reading the inbox")
class MessageController {

    static final int MAX_LIMIT = 1000;
    static final int MAX_WAIT_SECONDS = 30;

    private final PeerConnectionService service;

    MessageController(PeerConnectionService service) {
        this.service = service;
    }

    @PostMapping
    @Operation(summary = "Send a message",
            description = "Encrypts and sends the text to a peer. \"to\" may be left out when exactly one peer is "
                    + "connected. A known peer that is not connected right now gets the message when it reconnects "
                    + "(status QUEUED).")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = "application/json", schema = @Schema(implementation = SendMessageRequest.class), examples = {
                @ExampleObject(name = "to the only peer", summary = "Exactly one peer connected: no \"to\" needed",
                        value = "{\"text\": \"Hello from the other side\"}"),
                @ExampleObject(name = "to one peer", summary = "Name the recipient",
                        value = "{\"to\": \"" + Examples.PEER_ID + "\", \"text\": \"Hello from the other side\"}")}))
    @ApiResponse(responseCode = "202", description = "Accepted for delivery")
    @ApiResponse(responseCode = "400", ref = BAD_REQUEST)
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    @ApiResponse(responseCode = "409", ref = NO_RECIPIENT)
    @ApiResponse(responseCode = "413", ref = MESSAGE_TOO_LARGE)
    @ApiResponse(responseCode = "415", ref = UNSUPPORTED_MEDIA_TYPE)
    @ApiResponse(responseCode = "503", ref = UNAVAILABLE)
    ResponseEntity<SendMessageResponse> send(@Valid @RequestBody SendMessageRequest request) {
        String to = request.to() == null || request.to().isBlank() ? null : request.to().strip();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(SendMessageResponse.of(service.send(to, request.text())));
    }

    @GetMapping
    @Operation(summary = "Read inbound messages",
            description = "Decrypted inbound messages with a cursor greater than \"after\", oldest first. Pass the "
                    + "answer's nextCursor as \"after\" next time: increasing cursors never see a message twice and "
                    + "never skip one. With waitSeconds, the call waits until a message arrives (long poll). "
                    + "\"missed\" counts messages the full inbox dropped before this poll could see them.")
    @ApiResponse(responseCode = "200", description = "A page of messages (possibly empty)")
    @ApiResponse(responseCode = "400", ref = BAD_REQUEST)
    MessagesResponse poll(
            @Parameter(description = "return messages with a cursor greater than this (0 = from the start)",
                    example = "0")
            @RequestParam(defaultValue = "0") @Min(value = 0, message = "must be 0 or more") long after,
            @Parameter(description = "at most this many messages (1..1000)", example = "100")
            @RequestParam(defaultValue = "100")
            @Min(value = 1, message = "must be between 1 and " + MAX_LIMIT)
            @Max(value = MAX_LIMIT, message = "must be between 1 and " + MAX_LIMIT) int limit,
            @Parameter(description = "wait up to this many seconds for a first message (0..30)", example = "20")
            @RequestParam(defaultValue = "0")
            @Min(value = 0, message = "must be between 0 and " + MAX_WAIT_SECONDS)
            @Max(value = MAX_WAIT_SECONDS, message = "must be between 0 and " + MAX_WAIT_SECONDS) int waitSeconds,
            @Parameter(description = "only messages from this peerId", example = Examples.PEER_ID_2)
            @RequestParam(required = false)
            @Pattern(regexp = "\\s*(?:[0-9A-Fa-f][\\s:]*){64}", message = "must be a peerId (64 hex digits)")
            String from) {
        String sender = from == null ? null : Fingerprints.normalise(from);
        Inbox.Page page;
        try {
            page = service.inbox().poll(after, limit, sender, Duration.ofSeconds(waitSeconds));
        } catch (IllegalArgumentException e) {
            // a cursor ahead of the newest message: the client's cursor is not from this peer's inbox
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "after: " + e.getMessage()
                    + "; start again from 0");
            problem.setTitle("Invalid cursor");
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerConnectionException(PeerConnectionException.Kind.STOPPED, "the peer is shutting down");
        }
        return MessagesResponse.of(page);
    }
}
