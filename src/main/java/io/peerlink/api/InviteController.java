package io.peerlink.api;

import static io.peerlink.api.OpenApiConfiguration.INVITE_CONFLICT;
import static io.peerlink.api.OpenApiConfiguration.UNAVAILABLE;

import io.peerlink.config.PeerlinkProperties;
import io.peerlink.messaging.PeerConnectionService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/invites}: one-time invites, whose grant makes the one who connects with it a contact. */
@RestController
@Tag(name = "Invites", description = "One-time invites that need no accept")
class InviteController {

    private final PeerConnectionService service;
    private final PeerlinkProperties properties;

    InviteController(PeerConnectionService service, PeerlinkProperties properties) {
        this.service = service;
        this.properties = properties;
    }

    @PostMapping("/api/invites")
    @Operation(operationId = "createInvite", summary = "Create a one-time invite",
            description = "An invite link like GET /api/identity's (its address and relays), with a one-time grant: "
                    + "peerlink://<peerId>@<host>:<port>?grant=<token>. The peer that connects with it (POST "
                    + "/api/peers {\"invite\": ...}) presents the grant once after the handshake and is a CONTACT "
                    + "here at once, with no accept and no request quota. The grant works once and expires after "
                    + "peerlink.invites.grant-lifetime (7 days by default); a second use, or a use after it expired, "
                    + "leaves that peer a message request (REQUEST), and a peer event says why. Only the token's "
                    + "SHA-256 is stored: this answer is the only copy. No request body.")
    @ApiResponse(responseCode = "201", description = "The invite; give it to one person")
    @ApiResponse(responseCode = "409", ref = INVITE_CONFLICT)
    @ApiResponse(responseCode = "503", ref = UNAVAILABLE)
    ResponseEntity<InviteResponse> create() {
        String address = properties.inviteAddress(service.listenPort());
        if (address == null && properties.relaySettings().relays().isEmpty()) {
            throw new ApiException(ApiError.NO_ADDRESS, "this peer does not know the address other peers reach it "
                    + "at and names no relay: set peerlink.advertised-address (host:port) or peerlink.relays");
        }
        int maxOpen = properties.invites().maxOpenGrants();
        PeerConnectionService.Grant grant = service.createGrant(properties.invites().grantLifetime(), maxOpen)
                .orElseThrow(() -> new ApiException(ApiError.TOO_MANY_INVITES, maxOpen + " invites are open (neither "
                        + "used nor expired), the most peerlink.invites.max-open-grants allows; wait until some are "
                        + "used or expire"));
        return ResponseEntity.status(HttpStatus.CREATED).body(new InviteResponse(
                IdentityController.invite(properties, service.identity().peerId(), address, grant.token()),
                grant.expiresAt()));
    }
}
