package io.peerlink.messaging;

import io.peerlink.transport.Direction;
import io.peerlink.store.Relation;
import io.peerlink.store.Trust;
import java.time.Instant;
import java.util.List;

/**
 * A peer as the API shows it.
 *
 * @param peerId lowercase hex SHA-256 of the peer's RSA SubjectPublicKeyInfo
 * @param fingerprint the peerId in groups of four hex digits, for people to compare
 * @param safetyNumber 60 digits derived from both identities, the same on both sides
 * @param address the remote socket address of the current or last connection
 * @param direction who dialled the current or last connection
 * @param state CONNECTED or DISCONNECTED
 * @param connectedAt when the current or last connection completed its handshake
 * @param publicKeyPem the peer's RSA public key, PEM
 * @param firstSeen the first handshake with it
 * @param lastSeen the last handshake with it or the end of the last connection
 * @param undelivered messages to it that wait for its ACK (QUEUED or SENT)
 * @param alias the user's name for it, or null
 * @param trust UNVERIFIED, VERIFIED or CHANGED
 * @param verifiedAt when its safety number was confirmed, or null
 * @param addresses the {@code host:port} addresses this peer dialled it at
 * @param relation CONTACT, REQUEST (a stranger nobody accepted yet) or BLOCKED
 * @param relayId the relay whose circuit carries the current connection; null when it is direct or
 *        there is none
 */
public record PeerView(String peerId, String fingerprint, String safetyNumber, String address, Direction direction,
        PeerState state, Instant connectedAt, String publicKeyPem, Instant firstSeen, Instant lastSeen,
        int undelivered, String alias, Trust trust, Instant verifiedAt, List<String> addresses, Relation relation,
        String relayId) {

    public PeerView {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    /** How the current connection runs: {@code "relay"} through a relay's circuit, else {@code "direct"}. */
    public String route() {
        return relayId == null ? "direct" : "relay";
    }
}
