package io.peerlink.api;

import static io.peerlink.api.OpenApiConfiguration.ALIAS_TAKEN;
import static io.peerlink.api.OpenApiConfiguration.BAD_REQUEST;
import static io.peerlink.api.OpenApiConfiguration.BODY_TOO_LARGE;
import static io.peerlink.api.OpenApiConfiguration.CONNECT_CONFLICT;
import static io.peerlink.api.OpenApiConfiguration.PEER_UNREACHABLE;
import static io.peerlink.api.OpenApiConfiguration.RELATION_CONFLICT;
import static io.peerlink.api.OpenApiConfiguration.SAFETY_NUMBER_MISMATCH;
import static io.peerlink.api.OpenApiConfiguration.UNAVAILABLE;
import static io.peerlink.api.OpenApiConfiguration.UNKNOWN_PEER;
import static io.peerlink.api.OpenApiConfiguration.UNSUPPORTED_MEDIA_TYPE;

import io.peerlink.transport.PeerConnectionException;
import io.peerlink.messaging.Messages;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.transport.Invite;
import io.peerlink.messaging.PeerView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** {@code /api/peers}: connect to peers, list them, name, verify and forget them. */
@RestController
@RequestMapping("/api/peers")
@Tag(name = "Peers", description = "Connections to other peers")
class PeerController {

    private final PeerConnectionService service;
    private final Messages messages;

    PeerController(PeerConnectionService service, Messages messages) {
        this.messages = messages;
        this.service = service;
    }

    @PostMapping
    @Operation(operationId = "connectPeer", summary = "Connect to a peer",
            description = "Dials host:port and runs the handshake (201). Connecting to a peer that is already "
                    + "connected gives back the existing connection (200). With expectedFingerprint, a peer with any "
                    + "other identity is refused (409) before this peer's identity is revealed to it. The peer is "
                    + "stored, and its address is dialled again whenever the connection drops (1 s back-off "
                    + "doubling to 5 min), also after a restart, until the peer is forgotten with DELETE.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = "application/json", schema = @Schema(implementation = ConnectRequest.class), examples = {
                @ExampleObject(name = "address only", summary = "Trust on first use",
                        value = "{\"host\": \"192.0.2.10\", \"port\": 5555}"),
                @ExampleObject(name = "with fingerprint", summary = "Refuse any other identity",
                        value = "{\"host\": \"192.0.2.10\", \"port\": 5555, \"expectedFingerprint\": \""
                                + Examples.FINGERPRINT + "\"}"),
                @ExampleObject(name = "invite", summary = "Another peer's invite link (pinned)",
                        value = "{\"invite\": \"peerlink://" + Examples.PEER_ID + "@192.0.2.10:5555\"}")}))
    @ApiResponse(responseCode = "200", description = "Already connected: the existing connection")
    @ApiResponse(responseCode = "201", description = "Connected; Location names the peer",
            headers = @Header(name = "Location", description = "/api/peers/{peerId}", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "400", ref = BAD_REQUEST)
    @ApiResponse(responseCode = "409", ref = CONNECT_CONFLICT)
    @ApiResponse(responseCode = "413", ref = BODY_TOO_LARGE)
    @ApiResponse(responseCode = "415", ref = UNSUPPORTED_MEDIA_TYPE)
    @ApiResponse(responseCode = "502", ref = PEER_UNREACHABLE)
    @ApiResponse(responseCode = "503", ref = UNAVAILABLE)
    ResponseEntity<PeerResponse> connect(@Valid @RequestBody ConnectRequest request) {
        Invite.Link link = request.target();
        // an invite with relays: they are remembered and tried after the direct address
        PeerConnectionService.Connected connected = link.relays().isEmpty() && link.direct() != null
                ? service.connect(link.direct())
                : service.connect(link);
        PeerView peer = connected.peer();
        if (!connected.created()) {
            return ResponseEntity.ok(PeerResponse.of(peer));
        }
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{peerId}")
                .buildAndExpand(peer.peerId()).toUri();
        return ResponseEntity.created(location).body(PeerResponse.of(peer));
    }

    @GetMapping
    @Operation(operationId = "listPeers", summary = "List known peers",
            description = "Every known peer, connected now or not (also after a restart), first seen first. A peer "
                    + "stays known until it is forgotten with DELETE.")
    @ApiResponse(responseCode = "200", description = "The known peers")
    List<PeerResponse> peers() {
        return service.peers().stream().map(PeerResponse::of).toList();
    }

    @GetMapping("/{peerId}")
    @Operation(operationId = "getPeer", summary = "Show one peer")
    @ApiResponse(responseCode = "200", description = "The peer")
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    PeerResponse peer(@Parameter(description = "the peer's peerId (or fingerprint)", example = Examples.PEER_ID)
            @PathVariable String peerId) {
        return service.peer(peerId).map(PeerResponse::of).orElseThrow(() -> unknown(peerId));
    }

    @PatchMapping("/{peerId}")
    @Operation(operationId = "renamePeer", summary = "Name a contact",
            description = "Sets the peer's alias, usable wherever the API takes a peerId (\"to\", paths, \"from\"). "
                    + "1 to 64 characters, no control characters, unique among known peers (ignoring case). "
                    + "{\"alias\": null} clears it.")
    @ApiResponse(responseCode = "200", description = "The renamed peer")
    @ApiResponse(responseCode = "400", ref = BAD_REQUEST)
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    @ApiResponse(responseCode = "409", ref = ALIAS_TAKEN)
    @ApiResponse(responseCode = "413", ref = BODY_TOO_LARGE)
    @ApiResponse(responseCode = "415", ref = UNSUPPORTED_MEDIA_TYPE)
    @ApiResponse(responseCode = "503", ref = UNAVAILABLE)
    PeerResponse rename(@Parameter(description = "the peer's peerId, fingerprint or alias", example = Examples.PEER_ID)
            @PathVariable String peerId, @Valid @RequestBody RenameRequest request) {
        return PeerResponse.of(service.rename(peerId, request.alias()));
    }

    @PostMapping("/{peerId}/verify")
    @Operation(operationId = "verifyPeer", summary = "Mark a contact verified",
            description = "Compare the safetyNumber with the other person (read it out, or scan the QR code of "
                    + "/api/peers/{peerId}/safety-number.svg). When the number given here (spaces ignored) is the "
                    + "one this peer computes, the contact becomes VERIFIED; otherwise 409 and nothing changes. "
                    + "A VERIFIED contact's key can change only through an explicit expectedFingerprint.")
    @ApiResponse(responseCode = "200", description = "The verified peer")
    @ApiResponse(responseCode = "400", ref = BAD_REQUEST)
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    @ApiResponse(responseCode = "409", ref = SAFETY_NUMBER_MISMATCH)
    @ApiResponse(responseCode = "413", ref = BODY_TOO_LARGE)
    @ApiResponse(responseCode = "415", ref = UNSUPPORTED_MEDIA_TYPE)
    @ApiResponse(responseCode = "503", ref = UNAVAILABLE)
    PeerResponse verify(@Parameter(description = "the peer's peerId, fingerprint or alias", example = Examples.PEER_ID)
            @PathVariable String peerId, @Valid @RequestBody VerifyRequest request) {
        return PeerResponse.of(service.verify(peerId, request.safetyNumber()));
    }

    @DeleteMapping("/{peerId}/verify")
    @Operation(operationId = "unverifyPeer", summary = "Take a verification back",
            description = "The contact is UNVERIFIED again.")
    @ApiResponse(responseCode = "200", description = "The peer")
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    @ApiResponse(responseCode = "503", ref = UNAVAILABLE)
    PeerResponse unverify(@Parameter(description = "the peer's peerId, fingerprint or alias",
            example = Examples.PEER_ID) @PathVariable String peerId) {
        return PeerResponse.of(service.unverify(peerId));
    }

    @PostMapping("/{peerId}/accept")
    @Operation(operationId = "acceptPeer", summary = "Accept a message request",
            description = "The peer (relation REQUEST: it connected on its own and nobody accepted it) becomes a "
                    + "CONTACT: what it sends is stored up to the per-peer storage quota, and the messages the "
                    + "request quota held back arrive as it sends them again. A contact stays one.")
    @ApiResponse(responseCode = "200", description = "The peer, now a contact")
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    @ApiResponse(responseCode = "409", ref = RELATION_CONFLICT)
    @ApiResponse(responseCode = "503", ref = UNAVAILABLE)
    PeerResponse accept(@Parameter(description = "the peer's peerId, fingerprint or alias",
            example = Examples.PEER_ID) @PathVariable String peerId) {
        return PeerResponse.of(service.accept(peerId));
    }

    @PostMapping("/{peerId}/block")
    @Operation(operationId = "blockPeer", summary = "Block a peer",
            description = "Closes its connection (close code BLOCKED), closes every later one right after its "
                    + "handshake, stores nothing it sends and stops dialling it. Survives restarts and forgetting. "
                    + "Blocking a blocked peer changes nothing.")
    @ApiResponse(responseCode = "200", description = "The blocked peer")
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    @ApiResponse(responseCode = "503", ref = UNAVAILABLE)
    PeerResponse block(@Parameter(description = "the peer's peerId, fingerprint or alias",
            example = Examples.PEER_ID) @PathVariable String peerId) {
        return PeerResponse.of(service.block(peerId));
    }

    @DeleteMapping("/{peerId}/block")
    @Operation(operationId = "unblockPeer", summary = "Lift a block",
            description = "The peer is a message request again (REQUEST).")
    @ApiResponse(responseCode = "200", description = "The peer")
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    @ApiResponse(responseCode = "409", ref = RELATION_CONFLICT)
    @ApiResponse(responseCode = "503", ref = UNAVAILABLE)
    PeerResponse unblock(@Parameter(description = "the peer's peerId, fingerprint or alias",
            example = Examples.PEER_ID) @PathVariable String peerId) {
        return PeerResponse.of(service.unblock(peerId));
    }

    @GetMapping("/{peerId}/messages")
    @Operation(operationId = "getConversation", summary = "The conversation with a peer",
            description = "Both directions, newest first, with their statuses. Page back by passing nextBefore as "
                    + "\"before\".")
    @ApiResponse(responseCode = "200", description = "A page of the conversation (possibly empty)")
    @ApiResponse(responseCode = "400", ref = BAD_REQUEST)
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    ConversationResponse conversation(
            @Parameter(description = "the peer's peerId (or fingerprint)", example = Examples.PEER_ID)
            @PathVariable String peerId,
            @Parameter(description = "only messages with a cursor below this (leave out for the newest)")
            @RequestParam(required = false) @Min(value = 1, message = "must be 1 or more") Long before,
            @Parameter(description = "at most this many messages (1..1000)", example = "50")
            @RequestParam(defaultValue = "50")
            @Min(value = 1, message = "must be between 1 and " + MessageController.MAX_LIMIT)
            @Max(value = MessageController.MAX_LIMIT, message = "must be between 1 and "
                    + MessageController.MAX_LIMIT) int limit) {
        PeerView peer = service.peer(peerId).orElseThrow(() -> unknown(peerId));
        return ConversationResponse.of(messages.conversation(peer.peerId(),
                before == null ? Long.MAX_VALUE : before, limit), limit);
    }

    @DeleteMapping("/{peerId}")
    @Operation(operationId = "forgetPeer", summary = "Forget a peer",
            description = "Closes the connection with a goodbye, stops dialling the peer, and marks every message "
                    + "to it not yet delivered FAILED. Its history stays readable. The peer becomes known again if "
                    + "it connects later: as a message request (REQUEST), or still BLOCKED if it was blocked.")
    @ApiResponse(responseCode = "204", description = "Forgotten")
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    @ApiResponse(responseCode = "503", ref = UNAVAILABLE)
    ResponseEntity<Void> forgetPeer(@Parameter(description = "the peer's peerId (or fingerprint)",
            example = Examples.PEER_ID) @PathVariable String peerId) {
        if (!service.forget(peerId)) {
            throw unknown(peerId);
        }
        return ResponseEntity.noContent().build();
    }

    private static ApiException unknown(String peerId) {
        return new ApiException(ApiError.UNKNOWN_PEER, "no peer " + peerId + " is known");
    }
}
