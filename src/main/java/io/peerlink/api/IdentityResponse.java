package io.peerlink.api;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * This peer's identity, as {@code GET /api/identity} shows it.
 *
 * @param peerId lowercase hex SHA-256 of the RSA SubjectPublicKeyInfo
 * @param fingerprint the peerId in 16 groups of 4 hex digits, for reading aloud
 * @param publicKeyPem the RSA public key, PEM
 * @param keyAlgorithm always RSA
 * @param keySize RSA modulus length in bits
 * @param listenPort the bound peer port
 * @param invite {@code peerlink://<peerId>@<host>:<port>}: give it to another peer's
 *        {@code POST /api/peers {"invite": ...}}; null when this peer does not know its reachable address
 *        (set {@code peerlink.advertised-address})
 * @param maxMessageBytes the largest message text this peer sends or accepts, in UTF-8 bytes
 *        ({@code peerlink.max-message-bytes}): a client can tell before sending that a text is too long
 * @param cryptoProviders which providers serve RSA-OAEP decryption (the handshake) and AES-GCM (every
 *        record) ({@code peerlink.crypto-provider}); everything else is the JDK's
 * @param relays this peer's relays ({@code peerlink.relays}) and the state of its reservation on each
 */
@Schema(name = "Identity", description = "This peer's identity")
record IdentityResponse(
        @Schema(example = Examples.PEER_ID) String peerId,
        @Schema(example = Examples.FINGERPRINT) String fingerprint,
        @Schema(example = Examples.PUBLIC_KEY_PEM) String publicKeyPem,
        @Schema(example = "RSA") String keyAlgorithm,
        @Schema(example = "3072") int keySize,
        @Schema(example = "5555") int listenPort,
        @Schema(example = "peerlink://" + Examples.PEER_ID + "@192.0.2.10:5555", nullable = true) String invite,
        @Schema(example = "65536", description = "largest message text in UTF-8 bytes (peerlink.max-message-bytes)")
        long maxMessageBytes,
        CryptoProvidersResponse cryptoProviders,
        List<RelayResponse> relays) {

    /**
     * @param relayId the relay's peerId (pinned)
     * @param host the relay's host
     * @param port the relay's peer port
     * @param state RESERVED (a slot is held), CONNECTING (no connection yet, or waiting for the answer)
     *        or REFUSED (the relay said no; {@code reason} says why)
     * @param reason the relay's refusal reason (docs/PROTOCOL.md section 12), null unless REFUSED
     */
    @Schema(name = "Relay", description = "One of this peer's relays and its reservation")
    record RelayResponse(
            @Schema(example = Examples.PEER_ID) String relayId,
            @Schema(example = "relay.example.org") String host,
            @Schema(example = "5555") int port,
            @Schema(example = "RESERVED", allowableValues = {"RESERVED", "CONNECTING", "REFUSED"}) String state,
            @Schema(example = "NOT_ALLOWED", nullable = true) String reason) {
    }

    /**
     * @param rsaOaepDecrypt provider name and version of RSA-OAEP decryption (encryption is always the JDK's)
     * @param aesGcm provider name and version of AES-GCM
     */
    @Schema(name = "CryptoProviders", description = "Which JCA providers this peer's cryptography uses")
    record CryptoProvidersResponse(
            @Schema(example = "AmazonCorrettoCryptoProvider 2.5.0") String rsaOaepDecrypt,
            @Schema(example = "SunJCE 25") String aesGcm) {
    }
}
