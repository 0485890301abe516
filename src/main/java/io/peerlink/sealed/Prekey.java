package io.peerlink.sealed;

import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.RsaPss;
import io.peerlink.crypto.Secrets;
import io.peerlink.crypto.X25519;
import io.peerlink.identity.Identity;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import javax.security.auth.Destroyable;

/**
 * A prekey its owner holds: the signed public half it publishes at its mailbox, and the two private
 * keys that open what is sealed to it. Holds secrets, so it is not a record and says nothing of them
 * in {@link #toString}. Immutable until {@link #destroy}; safe to share between threads.
 */
public final class Prekey {

    private final SignedPrekey signed;
    private final PrivateKey x25519;
    private final PrivateKey decapsulationKey;

    Prekey(SignedPrekey signed, PrivateKey x25519, PrivateKey decapsulationKey) {
        this.signed = signed;
        this.x25519 = x25519;
        this.decapsulationKey = decapsulationKey;
    }

    /**
     * Generates and signs a prekey of {@code owner}. Draws from {@code random}, in order: the X25519
     * private key (32 bytes), the ML-KEM-768 seeds d and z (32 bytes each), the RSA-PSS salt (32 bytes).
     *
     * @param id the owner's number for it; the owner never gives two prekeys the same id
     * @param expiresAt milliseconds since the epoch after which senders no longer seal to it
     */
    public static Prekey generate(Identity owner, PrekeyKind kind, long id, long expiresAt, SecureRandom random) {
        KeyPair x = X25519.generate(random);
        KeyPair kem = MlKem768.generate(random);
        byte[] body = new SignedPrekey(kind, id, expiresAt, X25519.raw(x.getPublic()), MlKem768.raw(kem.getPublic()),
                new byte[0]).body();
        byte[] signature = RsaPss.sign(owner.privateKey(), SignedPrekey.signedData(owner.publicKey(), body), random);
        SignedPrekey signed = new SignedPrekey(kind, id, expiresAt, X25519.raw(x.getPublic()),
                MlKem768.raw(kem.getPublic()), signature);
        return new Prekey(signed, x.getPrivate(), kem.getPrivate());
    }

    /** The public half, as published. */
    public SignedPrekey signed() {
        return signed;
    }

    public long id() {
        return signed.id();
    }

    public PrekeyKind kind() {
        return signed.kind();
    }

    PrivateKey x25519() {
        return x25519;
    }

    PrivateKey decapsulationKey() {
        return decapsulationKey;
    }

    /**
     * Wipes what the JDK lets be wiped: the ML-KEM-768 decapsulation key (the X25519 key object cannot
     * be destroyed, see docs/PROTOCOL.md section 6; the store drops every reference to it).
     */
    public void destroy() {
        if (decapsulationKey instanceof Destroyable d) {
            Secrets.destroy(d);
        }
    }

    @Override
    public String toString() {
        return "Prekey[" + signed.kind() + " " + signed.id() + ", private keys <redacted>]";
    }
}
