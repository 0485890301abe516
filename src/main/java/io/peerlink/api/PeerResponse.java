package io.peerlink.api;

import io.peerlink.transport.Direction;
import io.peerlink.messaging.PeerState;
import io.peerlink.messaging.PeerView;
import io.swagger.v3.oas.annotations.media.Schema;
import io.peerlink.store.Relation;
import io.peerlink.store.Trust;
import java.time.Instant;
import java.util.List;

/**
 * A known peer.
 *
 * @param peerId lowercase hex SHA-256 of the peer's RSA SubjectPublicKeyInfo
 * @param fingerprint the peerId in groups of four hex digits, for people to compare
 * @param safetyNumber 60 digits derived from both identities, the same on both sides
 * @param address remote address of the current or last connection; null before the first one since start-up
 * @param direction who dialled the current or last connection
 * @param state CONNECTED or DISCONNECTED
 * @param connectedAt when the current or last connection completed its handshake
 * @param publicKeyPem the peer's RSA public key, PEM
 * @param firstSeen the first handshake with it
 * @param lastSeen the last handshake with it, or the end of the last connection
 * @param undelivered messages to it still waiting for its ACK (QUEUED or SENT)
 * @param alias the name given to it with PATCH, or null
 * @param trust UNVERIFIED (accepted on first use), VERIFIED (safety number confirmed) or CHANGED
 *        (another identity answered at its address)
 * @param verifiedAt when its safety number was confirmed
 * @param addresses the {@code host:port} addresses this peer dialled it at
 * @param relation CONTACT (this peer dialled it, or the user accepted it), REQUEST (it connected on
 *        its own and nobody accepted it yet) or BLOCKED
 * @param route how the current connection runs: {@code direct}, or {@code relay} through a relay's
 *        circuit (the relay copies ciphertext only); {@code direct} when not connected
 * @param relayId the relay of a relayed connection, null when direct
 */
@Schema(name = "Peer", description = "A known peer")
record PeerResponse(
        @Schema(example = Examples.PEER_ID) String peerId,
        @Schema(example = Examples.FINGERPRINT) String fingerprint,
        @Schema(example = Examples.SAFETY_NUMBER,
                description = "compare it with the peer over another channel: equal numbers mean no one is in between")
        String safetyNumber,
        @Schema(example = "192.0.2.10:5555", nullable = true) String address,
        @Schema(example = "OUTBOUND", nullable = true) Direction direction,
        @Schema(example = "CONNECTED") PeerState state,
        @Schema(example = Examples.INSTANT, nullable = true) Instant connectedAt,
        @Schema(example = Examples.PUBLIC_KEY_PEM) String publicKeyPem,
        @Schema(example = Examples.INSTANT) Instant firstSeen,
        @Schema(example = Examples.INSTANT) Instant lastSeen,
        @Schema(example = "0") int undelivered,
        @Schema(example = "alice", nullable = true) String alias,
        @Schema(example = "VERIFIED") Trust trust,
        @Schema(example = Examples.INSTANT, nullable = true) Instant verifiedAt,
        @Schema(example = "[\"192.0.2.10:5555\"]") List<String> addresses,
        @Schema(example = "CONTACT") Relation relation,
        @Schema(example = "relay", allowableValues = {"direct", "relay"}) String route,
        @Schema(example = Examples.PEER_ID, nullable = true) String relayId) {

    static PeerResponse of(PeerView v) {
        return new PeerResponse(v.peerId(), v.fingerprint(), v.safetyNumber(), v.address(), v.direction(), v.state(),
                v.connectedAt(), v.publicKeyPem(), v.firstSeen(), v.lastSeen(), v.undelivered(), v.alias(), v.trust(),
                v.verifiedAt(), v.addresses(), v.relation(), v.route(), v.relayId());
    }
}
