package io.peerlink.api;

import io.peerlink.connection.Direction;
import io.peerlink.connection.PeerState;
import io.peerlink.connection.PeerView;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * A known peer.
 *
 * @param peerId lowercase hex SHA-256 of the peer's RSA SubjectPublicKeyInfo
 * @param fingerprint the peerId in groups of four hex digits, for people to compare
 * @param safetyNumber 60 digits derived from both identities, the same on both sides
 * @param address remote address of the current or last connection
 * @param direction who dialled the current or last connection
 * @param state CONNECTED or DISCONNECTED
 * @param connectedAt when the current or last connection completed its handshake
 * @param publicKeyPem the peer's RSA public key, PEM
 * @param firstSeen the first handshake with it
 * @param lastSeen the last handshake with it, or the end of the last connection
 * @param undelivered messages to it still waiting for its ACK (QUEUED or SENT)
 */
@Schema(name = "Peer", description = "A known peer")
record PeerResponse(
        @Schema(example = Examples.PEER_ID) String peerId,
        @Schema(example = Examples.FINGERPRINT) String fingerprint,
        @Schema(example = Examples.SAFETY_NUMBER,
                description = "compare it with the peer over another channel: equal numbers mean no one is in between")
        String safetyNumber,
        @Schema(example = "192.0.2.10:5555") String address,
        @Schema(example = "OUTBOUND") Direction direction,
        @Schema(example = "CONNECTED") PeerState state,
        @Schema(example = Examples.INSTANT) Instant connectedAt,
        @Schema(example = Examples.PUBLIC_KEY_PEM) String publicKeyPem,
        @Schema(example = Examples.INSTANT) Instant firstSeen,
        @Schema(example = Examples.INSTANT) Instant lastSeen,
        @Schema(example = "0") int undelivered) {

    static PeerResponse of(PeerView v) {
        return new PeerResponse(v.peerId(), v.fingerprint(), v.safetyNumber(), v.address(), v.direction(), v.state(),
                v.connectedAt(), v.publicKeyPem(), v.firstSeen(), v.lastSeen(), v.undelivered());
    }
}
