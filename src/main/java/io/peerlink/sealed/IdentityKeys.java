package io.peerlink.sealed;

import static io.peerlink.sealed.SealedException.Reason.BAD_IDENTITY_KEY;

import io.peerlink.identity.PeerKey;
import io.peerlink.wire.WireConstants;
import java.math.BigInteger;
import java.security.GeneralSecurityException;

/** The identity-key rules of docs/PROTOCOL.md section 3, as the handshake applies them, for sealed formats. */
final class IdentityKeys {

    private IdentityKeys() {
    }

    /** A canonical RSA SubjectPublicKeyInfo of 2048..8192 bits with the exponent 65537, or BAD_IDENTITY_KEY. */
    static PeerKey accept(byte[] spki, String who) throws SealedException {
        PeerKey key;
        try {
            key = PeerKey.fromSpki(spki);
        } catch (GeneralSecurityException e) {
            throw new SealedException(BAD_IDENTITY_KEY, who + " identity refused: " + e.getMessage());
        }
        if (key.bits() < WireConstants.MIN_RSA_BITS || key.bits() > WireConstants.MAX_RSA_BITS) {
            throw new SealedException(BAD_IDENTITY_KEY, who + " identity is a " + key.bits()
                    + "-bit RSA key, accepted are " + WireConstants.MIN_RSA_BITS + ".." + WireConstants.MAX_RSA_BITS
                    + " bits");
        }
        BigInteger e = key.key().getPublicExponent();
        if (!e.equals(WireConstants.RSA_PUBLIC_EXPONENT)) {
            throw new SealedException(BAD_IDENTITY_KEY, who + " identity has the RSA public exponent "
                    + (e.bitLength() <= 64 ? e.toString() : "of " + e.bitLength() + " bits") + ", only "
                    + WireConstants.RSA_PUBLIC_EXPONENT + " is accepted");
        }
        return key;
    }

    /** The peerId's 32 raw bytes: SHA-256 of the spki. */
    static byte[] peerIdBytes(PeerKey key) {
        return java.util.HexFormat.of().parseHex(key.peerId());
    }
}
