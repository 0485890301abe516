package io.peerlink.identity;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;

/**
 * An RSA identity public key with its names: {@code peerId} (lowercase hex SHA-256 of the
 * SubjectPublicKeyInfo DER), a human-comparable fingerprint and the PEM form.
 */
public final class PeerKey {

    private final RSAPublicKey key;
    private final byte[] spki;
    private final String peerId;

    private PeerKey(RSAPublicKey key, byte[] spki) {
        this.key = key;
        this.spki = spki;
        this.peerId = Identity.hex(Identity.sha256(spki));
    }

    public static PeerKey of(RSAPublicKey key) {
        return new PeerKey(key, key.getEncoded());
    }

    /**
     * Parses a SubjectPublicKeyInfo. Refuses anything that is not RSA, and any re-encoding that is
     * not byte-identical (the peerId must name exactly the bytes on the wire).
     */
    public static PeerKey fromSpki(byte[] spki) throws GeneralSecurityException {
        PublicKey parsed;
        try {
            parsed = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new GeneralSecurityException("not an RSA SubjectPublicKeyInfo");
        }
        if (!(parsed instanceof RSAPublicKey rsa) || !java.util.Arrays.equals(rsa.getEncoded(), spki)) {
            throw new GeneralSecurityException("not a canonical RSA SubjectPublicKeyInfo");
        }
        return new PeerKey(rsa, spki.clone());
    }

    public RSAPublicKey key() {
        return key;
    }

    public int bits() {
        return key.getModulus().bitLength();
    }

    /** The SubjectPublicKeyInfo DER, a copy. */
    public byte[] spki() {
        return spki.clone();
    }

    public String peerId() {
        return peerId;
    }

    /** The peerId in 16 groups of 4 hex digits, e.g. {@code 3f2a 9c01 ...}: all 256 bits, nothing cut. */
    public String fingerprint() {
        return Fingerprints.fingerprint(peerId);
    }

    public String pem() {
        return IdentityStore.pem("PUBLIC KEY", spki);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerKey other && peerId.equals(other.peerId);
    }

    @Override
    public int hashCode() {
        return peerId.hashCode();
    }

    @Override
    public String toString() {
        return "PeerKey[" + peerId + "]";
    }
}
