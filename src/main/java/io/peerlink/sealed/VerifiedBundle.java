package io.peerlink.sealed;

import io.peerlink.identity.PeerKey;

/**
 * A prekey bundle that passed {@link PrekeyBundle#verify}: the recipient's identity and a prekey it
 * signed, not expired when checked. Only {@code verify} makes one, so {@link SealedMessages#seal}
 * cannot be handed an unchecked prekey. Immutable.
 */
public final class VerifiedBundle {

    private final PeerKey recipient;
    private final SignedPrekey prekey;

    VerifiedBundle(PeerKey recipient, SignedPrekey prekey) {
        this.recipient = recipient;
        this.prekey = prekey;
    }

    public PeerKey recipient() {
        return recipient;
    }

    public SignedPrekey prekey() {
        return prekey;
    }

    @Override
    public String toString() {
        return "VerifiedBundle[" + recipient.peerId() + ", " + prekey + "]";
    }
}
