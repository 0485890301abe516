package io.peerlink.api;

import static io.peerlink.api.OpenApiConfiguration.BAD_REQUEST;
import static io.peerlink.api.OpenApiConfiguration.FINGERPRINT_MISMATCH;
import static io.peerlink.api.OpenApiConfiguration.PEER_UNREACHABLE;
import static io.peerlink.api.OpenApiConfiguration.UNAVAILABLE;
import static io.peerlink.api.OpenApiConfiguration.UNKNOWN_PEER;
import static io.peerlink.api.OpenApiConfiguration.UNSUPPORTED_MEDIA_TYPE;

import io.peerlink.connection.PeerConnectionException;
import io.peerlink.connection.PeerConnectionService;
import io.peerlink.connection.PeerView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** {@code /api/peers}: connect to peers, list them, disconnect them. */
@RestController
@RequestMapping("/api/peers")
@Tag(name = "Peers", description = "Connections to other peers")
class PeerController {

    private final PeerConnectionService service;

    PeerController(PeerConnectionService service) {
        this.service = service;
    }

    @PostMapping
    @Operation(summary = "Connect to a peer",
            description = "Dials host:port and runs the handshake. Connecting to a peer that is already connected "
                    + "gives back the existing connection. With expectedFingerprint, a peer with any other identity "
                    + "is refused (409) before this peer's identity is revealed to it.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = "application/json", schema = @Schema(implementation = ConnectRequest.class), examples = {
                @ExampleObject(name = "address only", summary = "Trust on first use",
                        value = "{\"host\": \"192.0.2.10\", \"port\": 5555}"),
                @ExampleObject(name = "with fingerprint", summary = "Refuse any other identity",
                        value = "{\"host\": \"192.0.2.10\", \"port\": 5555, \"expectedFingerprint\": \""
                                + Examples.FINGERPRINT + "\"}")}))
    @ApiResponse(responseCode = "201", description = "Connected; Location names the peer",
            headers = @Header(name = "Location", description = "/api/peers/{peerId}", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "400", ref = BAD_REQUEST)
    @ApiResponse(responseCode = "409", ref = FINGERPRINT_MISMATCH)
    @ApiResponse(responseCode = "415", ref = UNSUPPORTED_MEDIA_TYPE)
    @ApiResponse(responseCode = "502", ref = PEER_UNREACHABLE)
    @ApiResponse(responseCode = "503", ref = UNAVAILABLE)
    ResponseEntity<PeerResponse> connect(@Valid @RequestBody ConnectRequest request) {
        PeerView peer = service.connect(request.host().strip(), request.port(), request.expectedFingerprint());
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{peerId}")
                .buildAndExpand(peer.peerId()).toUri();
        return ResponseEntity.created(location).body(PeerResponse.of(peer));
    }

    @GetMapping
    @Operation(summary = "List known peers",
            description = "Every peer connected now or earlier (until disconnected with DELETE), oldest connection first.")
    @ApiResponse(responseCode = "200", description = "The known peers")
    List<PeerResponse> peers() {
        return service.peers().stream().map(PeerResponse::of).toList();
    }

    @GetMapping("/{peerId}")
    @Operation(summary = "Show one peer")
    @ApiResponse(responseCode = "200", description = "The peer")
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    PeerResponse peer(@Parameter(description = "the peer's peerId (or fingerprint)", example = Examples.PEER_ID)
            @PathVariable String peerId) {
        return service.peer(peerId).map(PeerResponse::of).orElseThrow(() -> unknown(peerId));
    }

    @DeleteMapping("/{peerId}")
    @Operation(summary = "Disconnect a peer",
            description = "Closes the connection with a goodbye and forgets the peer, with any message not yet "
                    + "acknowledged by it.")
    @ApiResponse(responseCode = "204", description = "Disconnected")
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    ResponseEntity<Void> disconnect(@Parameter(description = "the peer's peerId (or fingerprint)",
            example = Examples.PEER_ID) @PathVariable String peerId) {
        if (!service.disconnect(peerId)) {
            throw unknown(peerId);
        }
        return ResponseEntity.noContent().build();
    }

    private static PeerConnectionException unknown(String peerId) {
        return new PeerConnectionException(PeerConnectionException.Kind.UNKNOWN_PEER,
                "no peer " + peerId + " is known");
    }
}
