package io.peerlink.store;

import java.time.Instant;

/**
 * One row of {@code peers}: an identity this peer has had a connection with.
 *
 * @param peerId lowercase hex SHA-256 of the public key
 * @param publicKey the peer's X.509 SubjectPublicKeyInfo, DER (public data)
 * @param dialAddress {@code host:port} this peer last dialled it at, or null when it only ever dialled in
 * @param firstSeen the first handshake with it
 * @param lastSeen the last handshake with it, or the end of the last connection
 * @param forgottenAt when the user forgot it, or null while it is known
 * @param alias the user's name for it, or null
 * @param trust how far its key is trusted
 * @param verifiedAt when the user confirmed its safety number (VERIFIED only)
 * @param relation CONTACT, REQUEST or BLOCKED
 */
public record StoredPeer(String peerId, byte[] publicKey, String dialAddress, Instant firstSeen, Instant lastSeen,
        Instant forgottenAt, String alias, Trust trust, Instant verifiedAt, Relation relation) {

    public boolean known() {
        return forgottenAt == null;
    }

    @Override
    public String toString() {
        return "StoredPeer[" + peerId + ", dialAddress=" + dialAddress + ", known=" + known() + ", relation=" + relation + "]";
    }
}
