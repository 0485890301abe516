package io.peerlink.sealed;

import io.peerlink.crypto.RsaPss;
import io.peerlink.crypto.X25519;
import io.peerlink.identity.Identity;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;

/**
 * A sender's X25519 sealing key with its certificate: one RSA-PSS signature, made once per key
 * lifetime, instead of one per message (docs/PROTOCOL.md, "Sealed messages and prekeys", why).
 * Holds a secret, so it is not a record. Immutable; safe to share between threads.
 */
public final class SealingKey {

    private final PrivateKey privateKey;
    private final SenderCertificate certificate;

    private SealingKey(PrivateKey privateKey, SenderCertificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
    }

    /**
     * Generates a sealing key for {@code sender} and signs it. Draws from {@code random}, in order:
     * the X25519 private key (32 bytes), the RSA-PSS salt (32 bytes).
     *
     * @param expiresAt milliseconds since the epoch; messages sent later need a new sealing key
     */
    public static SealingKey generate(Identity sender, long expiresAt, SecureRandom random) {
        KeyPair pair = X25519.generate(random);
        byte[] raw = X25519.raw(pair.getPublic());
        byte[] signature = RsaPss.sign(sender.privateKey(),
                SenderCertificate.signedData(sender.publicKey(), raw, expiresAt), random);
        return new SealingKey(pair.getPrivate(), new SenderCertificate(sender.publicKey().spki(), raw, expiresAt,
                signature));
    }

    /** A sealing key from its parts, as a store that kept them gives it back. */
    static SealingKey of(PrivateKey privateKey, SenderCertificate certificate) {
        return new SealingKey(privateKey, certificate);
    }

    public SenderCertificate certificate() {
        return certificate;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    @Override
    public String toString() {
        return "SealingKey[" + certificate + ", private key <redacted>]";
    }
}
