package io.peerlink.api;

import static io.peerlink.api.OpenApiConfiguration.UNKNOWN_PEER;

import io.peerlink.transport.PeerConnectionException;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.messaging.PeerView;
import io.peerlink.identity.Fingerprints;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/peers/{peerId}/safety-number.svg}: the safety number as a QR code, to scan instead of read. */
@RestController
@Tag(name = "Peers", description = "Connections to other peers")
class SafetyNumberController {

    static final String SVG = "image/svg+xml";
    /** The image is inert: should a browser open it on its own, it may load and run nothing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'";

    private final PeerConnectionService service;

    SafetyNumberController(PeerConnectionService service) {
        this.service = service;
    }

    @GetMapping(path = "/api/peers/{peerId}/safety-number.svg", produces = SVG)
    @Operation(operationId = "getSafetyNumberQr", summary = "The safety number as a QR code",
            description = "An SVG QR code (error correction M, quiet zone 4 modules) of "
                    + "`peerlink-safety:1:<the 60 digits without spaces>:<lower peerId>:<higher peerId>` "
                    + "(docs/PROTOCOL.md section 3). Both peers of a pair draw the same code, so one can scan the "
                    + "other's screen instead of reading the digits out.")
    @ApiResponse(responseCode = "200", description = "The QR code",
            content = @Content(mediaType = SVG, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", ref = UNKNOWN_PEER)
    ResponseEntity<String> safetyNumberQr(
            @Parameter(description = "the peer's peerId, fingerprint or alias", example = Examples.PEER_ID)
            @PathVariable String peerId) {
        PeerView peer = service.peer(peerId).orElseThrow(() -> new ApiException(
                ApiError.UNKNOWN_PEER, "no peer " + peerId + " is known"));
        String payload = Fingerprints.safetyNumberPayload(peer.safetyNumber(), service.identity().peerId(),
                peer.peerId());
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_TYPE, SVG)
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .cacheControl(CacheControl.noStore())
                .body(QrSvg.render(payload, "Safety number " + peer.safetyNumber()));
    }
}
