package io.peerlink.api;

import io.peerlink.config.PeerlinkProperties;
import io.peerlink.transport.Invite;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.crypto.CryptoProviders;
import io.peerlink.identity.Identity;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/identity}: who this peer is. */
@RestController
@Tag(name = "Identity", description = "This peer's long-term RSA identity")
class IdentityController {

    private final PeerConnectionService service;
    private final PeerlinkProperties properties;

    IdentityController(PeerConnectionService service, PeerlinkProperties properties) {
        this.service = service;
        this.properties = properties;
    }

    @GetMapping("/api/identity")
    @Operation(operationId = "getIdentity", summary = "Show this peer's identity",
            description = "The peerId, a fingerprint to read out to the other side, the public key, the peer port, "
                    + "the invite link another peer connects with (POST /api/peers {\"invite\": ...}; it names this peer's "
                    + "relays too, and it is a message request here until accepted, where POST /api/invites makes a "
                    + "one-time invite that needs no accept), this peer's relays with the state of each reservation "
                    + "(relays), and the largest "
                    + "message text this peer sends or accepts (maxMessageBytes, in UTF-8 bytes), and which crypto providers "
                    + "serve RSA-OAEP decryption and AES-GCM (cryptoProviders; peerlink.crypto-provider).")
    @ApiResponse(responseCode = "200", description = "This peer's identity")
    IdentityResponse identity() {
        Identity identity = service.identity();
        String address = properties.inviteAddress(service.listenPort());
        CryptoProviders.Selection providers = CryptoProviders.selection();
        return new IdentityResponse(identity.peerId(), identity.publicKey().fingerprint(), identity.publicKey().pem(),
                "RSA", identity.publicKey().bits(), service.listenPort(),
                invite(identity.peerId(), address),
                properties.maxMessageBytes().toBytes(),
                new IdentityResponse.CryptoProvidersResponse(providers.rsaOaepDecrypt(), providers.aesGcm()),
                service.relays().stream().map(r -> new IdentityResponse.RelayResponse(r.relayId(), r.host(), r.port(),
                        r.state().name(), r.reason())).toList());
    }

    /** The invite: the direct address when known, and this peer's relays; null when it names neither. */
    private String invite(String peerId, String address) {
        return invite(properties, peerId, address, null);
    }

    /**
     * This peer's invite, as {@code GET /api/identity} and {@code POST /api/invites} give it: the
     * direct {@code address} when known, this peer's relays, and the one-time {@code grant} (null:
     * none); null when it names neither an address nor a relay.
     */
    static String invite(PeerlinkProperties properties, String peerId, String address, String grant) {
        var relays = properties.relaySettings().relays();
        if (address == null && relays.isEmpty()) {
            return null;
        }
        return Invite.format(peerId, address, relays, grant);
    }
}
