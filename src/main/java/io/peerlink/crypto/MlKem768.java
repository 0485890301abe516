package io.peerlink.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.KEM;
import javax.crypto.SecretKey;

/**
 * ML-KEM-768 (FIPS 203) through {@code javax.crypto.KEM}, with encapsulation keys on the wire as
 * their raw 1184 bytes.
 *
 * <p>The JCA takes public keys only as X.509 SubjectPublicKeyInfo; for ML-KEM-768 that encoding is
 * a fixed 22-byte DER prefix followed by the raw key, so raw keys are wrapped in it.
 */
public final class MlKem768 {

    public static final int ENCAPSULATION_KEY_LENGTH = 1184;
    public static final int CIPHERTEXT_LENGTH = 1088;
    public static final int SHARED_SECRET_LENGTH = 32;
    private static final byte[] SPKI_PREFIX =
            java.util.HexFormat.of().parseHex("308204b2300b0609608648016503040402038204a100");

    /** The encapsulation's outputs: the ciphertext to send and the shared secret to keep. */
    public record Encapsulation(byte[] ciphertext, byte[] sharedSecret) {
    }

    private MlKem768() {
    }

    /** Generates a key pair, drawing the seeds d then z (32 bytes each) from {@code random}. */
    public static KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("ML-KEM");
            generator.initialize(NamedParameterSpec.ML_KEM_768, random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ML-KEM-768 is missing from this JDK", e);
        }
    }

    public static byte[] raw(PublicKey key) {
        byte[] spki = key.getEncoded();
        return Arrays.copyOfRange(spki, spki.length - ENCAPSULATION_KEY_LENGTH, spki.length);
    }

    public static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        if (raw.length != ENCAPSULATION_KEY_LENGTH) {
            throw new GeneralSecurityException("ML-KEM-768 encapsulation key must be 1184 bytes, was " + raw.length);
        }
        byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + ENCAPSULATION_KEY_LENGTH);
        System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, ENCAPSULATION_KEY_LENGTH);
        // The JDK checks the key (FIPS 203 section 7.2 modulus check) when it is used.
        return KeyFactory.getInstance("ML-KEM").generatePublic(new X509EncodedKeySpec(spki));
    }

    /** Encapsulates to a raw encapsulation key, drawing the message m (32 bytes) from {@code random}. */
    public static Encapsulation encapsulate(byte[] encapsulationKey, SecureRandom random)
            throws GeneralSecurityException {
        KEM.Encapsulated e = KEM.getInstance("ML-KEM").newEncapsulator(publicKey(encapsulationKey), random)
                .encapsulate();
        return new Encapsulation(e.encapsulation(), e.key().getEncoded());
    }

    /**
     * Decapsulates. A ciphertext of the right size but wrong content yields an unrelated secret
     * (implicit rejection, FIPS 203); a ciphertext of the wrong size is refused.
     */
    public static byte[] decapsulate(PrivateKey key, byte[] ciphertext) throws GeneralSecurityException {
        if (ciphertext.length != CIPHERTEXT_LENGTH) {
            throw new GeneralSecurityException("ML-KEM-768 ciphertext must be 1088 bytes, was " + ciphertext.length);
        }
        SecretKey shared = KEM.getInstance("ML-KEM").newDecapsulator(key).decapsulate(ciphertext);
        return shared.getEncoded();
    }
}
