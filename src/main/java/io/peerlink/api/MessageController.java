package io.peerlink.api;

import static io.peerlink.api.OpenApiConfiguration.BAD_REQUEST;
import static io.peerlink.api.OpenApiConfiguration.MESSAGE_TOO_LARGE;
import static io.peerlink.api.OpenApiConfiguration.SEND_CONFLICT;
import static io.peerlink.api.OpenApiConfiguration.UNAVAILABLE;
import static io.peerlink.api.OpenApiConfiguration.UNKNOWN_MESSAGE;
import static io.peerlink.api.OpenApiConfiguration.UNKNOWN_PEER;
import static io.peerlink.api.OpenApiConfiguration.UNSUPPORTED_MEDIA_TYPE;

import io.peerlink.messaging.Inbox;
import io.peerlink.messaging.Messages;
import io.peerlink.transport.PeerConnectionException;
import io.peerlink.messaging.PeerConnectionService;
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
import java.time.Duration;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/messages}: send messages, read one message, and poll (or long-poll) the inbound ones. */
@RestController
@RequestMapping("/api/messages")
@Tag(name = "Messages", description = "Sending messages and reading the inbox")
class MessageController {

    static final int MAX_LIMIT = 1000;
    static final int MAX_WAIT_SECONDS = 30;

    private final PeerConnectionService service;
    private final Inbox inbox;
    private final Messages messages;

    MessageController(PeerConnectionService service, Inbox inbox, Messages messages) {
        this.inbox = inbox;
        this.messages = messages;
        this.service = service;
    }

    @PostMapping
    @Operation(operationId = "sendMessage", summary = "Send a message",
            description = "Stores the message durably, then encrypts and sends it to the peer. The answer comes "
                    + "only after the message is committed: a 202 survives a crash or power loss of this peer. "
                    + "\"to\" may be left out when exactly one peer is connected. A known peer that is not connected "
                    + "gets the message when it reconnects. Follow the status (QUEUED, SENT, DELIVERED, FAILED) with "
                    + "GET /api/messages/{id} or /api/events. With \"id\", a retried send with the same id, "
                    + "recipient and text answers 200 with the stored message and sends nothing again. A 503 "
                    + "after the commit time-out carries the message's id (chosen by this peer if the client gave "
                    + "none): retry with it, and the message is sent once.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = "application/json", schema = @Schema(implementation = SendMessageRequest.class), examples = {
                @ExampleObject(name = "to the only peer", summary = "Exactly one peer connected: no \"to\" needed",
                        value = "{\"text\": \"Hello from the other side\"}"),
                @ExampleObject(name = "to one peer", summary = "Name the recipient",
                        value = "{\"to\": \"" + Examples.PEER_ID + "\", \"text\": \"Hello from the other side\"}"),
                @ExampleObject(name = "safe to retry", summary = "A client-chosen id: retries are not sent twice",
                        value = "{\"to\": \"" + Examples.PEER_ID + "\", \"text\": \"Hello\", \"id\": \""
                                + Examples.MESSAGE_ID + "\"}")}))
    @ApiResponse(responseCode = "202", description = "Stored, and on its way")
    @ApiResponse(responseCode = "200", description = "A repeat of a stored message (same id, recipient and text)")
    @ApiResponse(responseCode = "400", ref = BAD_REQUEST)
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    @ApiResponse(responseCode = "409", ref = SEND_CONFLICT)
    @ApiResponse(responseCode = "413", ref = MESSAGE_TOO_LARGE)
    @ApiResponse(responseCode = "415", ref = UNSUPPORTED_MEDIA_TYPE)
    @ApiResponse(responseCode = "503", ref = UNAVAILABLE)
    ResponseEntity<MessageResponse> send(@Valid @RequestBody SendMessageRequest request) {
        String to = request.to() == null || request.to().isBlank() ? null : request.to().strip();
        PeerConnectionService.Sent sent = service.send(to, request.text(), request.id());
        return ResponseEntity.status(sent.created() ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .body(MessageResponse.of(sent.message()));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getMessage", summary = "Show one message", description = "A stored message of either direction, with its status.")
    @ApiResponse(responseCode = "200", description = "The message")
    @ApiResponse(responseCode = "400", ref = BAD_REQUEST)
    @ApiResponse(responseCode = "404", ref = UNKNOWN_MESSAGE)
    MessageResponse message(@Parameter(description = "the message id", example = Examples.MESSAGE_ID)
            @PathVariable UUID id) {
        return messages.find(id).map(MessageResponse::of).orElseThrow(() ->
                new ApiException(ApiError.UNKNOWN_MESSAGE, "no message " + id + " is stored"));
    }

    @GetMapping
    @Operation(operationId = "pollMessages", summary = "Read inbound messages",
            description = "Inbound messages with a cursor greater than \"after\", oldest first, from the store. Pass "
                    + "the answer's nextCursor as \"after\" next time: cursors only grow, also across restarts, so "
                    + "a saved cursor goes on where it stopped and never sees a message twice or skips one. With "
                    + "waitSeconds, the call waits until a message arrives (long poll).")
    @ApiResponse(responseCode = "200", description = "A page of messages (possibly empty)")
    @ApiResponse(responseCode = "400", ref = BAD_REQUEST)
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    MessagesResponse poll(
            @Parameter(description = "return messages with a cursor greater than this (0 = from the start)",
                    example = "0")
            @RequestParam(defaultValue = "0") @Min(value = 0, message = "must be 0 or more") long after,
            @Parameter(description = "at most this many messages (1..1000)", example = "100")
            @RequestParam(defaultValue = "100")
            @Min(value = 1, message = "must be between 1 and " + MAX_LIMIT)
            @Max(value = MAX_LIMIT, message = "must be between 1 and " + MAX_LIMIT) int limit,
            @Parameter(description = "wait up to this many seconds for a first message (0..30)", example = "0")
            @RequestParam(defaultValue = "0")
            @Min(value = 0, message = "must be between 0 and " + MAX_WAIT_SECONDS)
            @Max(value = MAX_WAIT_SECONDS, message = "must be between 0 and " + MAX_WAIT_SECONDS) int waitSeconds,
            @Parameter(description = "only messages from this peer: its peerId, fingerprint or alias (leave empty for all)")
            @RequestParam(required = false) String from) {
        String sender = from == null || from.isBlank() ? null : sender(from);
        Inbox.Page page;
        try {
            page = inbox.poll(after, limit, sender, Duration.ofSeconds(waitSeconds));
        } catch (IllegalArgumentException e) {
            // a cursor ahead of the newest message: the client's cursor is not from this peer's store
            throw new ApiException(ApiError.INVALID_CURSOR, "after: " + e.getMessage() + "; start again from 0");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiError.STOPPED, "the peer is shutting down");
        }
        return MessagesResponse.of(page);
    }

    /** A known peer by peerId, fingerprint or alias; a peerId of a peer not (or no longer) known is fine too. */
    private String sender(String from) {
        return service.resolve(from).orElseGet(() -> {
            if (from.strip().matches("[\\s:]*(?:[0-9A-Fa-f][\\s:]*){64}")) {
                return Fingerprints.normalise(from);
            }
            throw new ApiException(ApiError.UNKNOWN_PEER, "from: no peer " + from + " is known");
        });
    }
}
