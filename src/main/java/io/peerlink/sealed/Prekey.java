package io.peerlink.sealed;

import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.RsaPss;
import io.peerlink.crypto.Secrets;
import io.peerlink.crypto.X25519;
import io.peerlink.identity.Identity;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.XECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.XECPrivateKeySpec;
import java.util.Arrays;
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

    /**
     * The form the owner keeps it in, private keys included (docs/PROTOCOL.md 13.2, "stored form";
     * never sent anywhere):
     *
     * <pre>
     * | version u8 = 1 | u16 len | signed prekey | X25519 private scalar (32) | u16 len | ML-KEM-768 key, PKCS#8 DER |
     * </pre>
     *
     * The caller wipes the returned array once it has stored it.
     */
    public byte[] encodePrivate() {
        byte[] scalar = ((XECPrivateKey) x25519).getScalar()
                .orElseThrow(() -> new IllegalStateException("this X25519 key does not reveal its scalar"));
        byte[] pkcs8 = decapsulationKey.getEncoded();
        byte[] signedBytes = signed.encode();
        try {
            return new Fields.Writer(1 + 2 + signedBytes.length + scalar.length + 2 + pkcs8.length)
                    .u8(SealedFormat.VERSION).lengthPrefixed(signedBytes, "signed prekey").raw(scalar)
                    .lengthPrefixed(pkcs8, "ML-KEM-768 private key").toByteArray();
        } finally {
            Secrets.wipe(scalar, pkcs8);
        }
    }

    /**
     * The inverse of {@link #encodePrivate}. Refuses (MALFORMED) a layout fault, private keys the JDK
     * cannot read, and private keys that do not belong to the signed public keys; UNSUPPORTED_VERSION
     * for another version. The signature is not checked again (the owner made it).
     */
    public static Prekey decodePrivate(byte[] stored) throws SealedException {
        Fields.Reader r = new Fields.Reader(stored, "stored prekey");
        int version = r.u8("version");
        if (version != SealedFormat.VERSION) {
            throw new SealedException(SealedException.Reason.UNSUPPORTED_VERSION, "stored prekey version " + version
                    + ", only " + SealedFormat.VERSION + " is known");
        }
        SignedPrekey signed = SignedPrekey.decode(r.lengthPrefixed(SealedFormat.PREKEY_BODY_LENGTH + 2
                + SealedFormat.MIN_SIGNATURE_LENGTH, SealedFormat.MAX_SIGNED_PREKEY_LENGTH, "signed prekey"));
        byte[] scalar = r.fixed(X25519.KEY_LENGTH, "X25519 private scalar");
        byte[] pkcs8 = r.lengthPrefixed(1, 0xFFFF, "ML-KEM-768 private key");
        r.end();
        try {
            PrivateKey x = KeyFactory.getInstance("X25519")
                    .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
            PrivateKey kem = KeyFactory.getInstance("ML-KEM").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            // both private keys must match the published halves, or messages sealed to it would never open
            byte[] base = new byte[X25519.KEY_LENGTH];
            base[0] = 9;
            boolean matches = Arrays.equals(X25519.agree(x, base), signed.x25519());
            MlKem768.Encapsulation probe = MlKem768.encapsulate(signed.encapsulationKey(), new SecureRandom());
            matches &= Arrays.equals(MlKem768.decapsulate(kem, probe.ciphertext()), probe.sharedSecret());
            if (!matches) {
                throw new SealedException(SealedException.Reason.MALFORMED, "stored prekey " + signed.id()
                        + ": the private keys do not belong to its public keys");
            }
            return new Prekey(signed, x, kem);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new SealedException(SealedException.Reason.MALFORMED, "stored prekey " + signed.id()
                    + ": private keys unreadable: " + e.getMessage());
        } finally {
            Secrets.wipe(scalar, pkcs8);
        }
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
