package io.peerlink.crypto;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * RSA-OAEP with SHA-256 and MGF1-SHA-256 and an empty label (RFC 8017). The parameters are always
 * given explicitly: the JDK's {@code OAEPWithSHA-256AndMGF1Padding} alone would use MGF1-SHA-1.
 */
public final class RsaOaep {

    public static final String TRANSFORMATION = "RSA/ECB/OAEPWithSHA-256AndMGF1Padding";
    public static final OAEPParameterSpec PARAMETERS =
            new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

    private RsaOaep() {
    }

    /** The ciphertext length for a key: the modulus length in bytes. */
    public static int ciphertextLength(RSAKey key) {
        return (key.getModulus().bitLength() + 7) / 8;
    }

    public static byte[] encrypt(PublicKey recipient, byte[] secret, SecureRandom random) {
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, recipient, PARAMETERS, random);
            return cipher.doFinal(secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-OAEP encryption failed", e);
        }
    }

    /** Decrypts, throwing on any failure; for known-answer tests and callers that must see failure. */
    public static byte[] decrypt(PrivateKey key, byte[] ciphertext) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(Cipher.DECRYPT_MODE, key, PARAMETERS);
        return cipher.doFinal(ciphertext);
    }

    /**
     * Decrypts a secret of {@code expectedLength} bytes. Any failure (bad padding, wrong length,
     * wrong key) yields a fresh random secret instead of an error, so the caller's key schedule
     * goes on and the later key-confirmation MAC fails: an attacker learns nothing about why, the
     * same implicit rejection that ML-KEM performs.
     */
    public static byte[] decryptOrRandom(PrivateKey key, byte[] ciphertext, int expectedLength, SecureRandom random) {
        byte[] substitute = new byte[expectedLength];
        random.nextBytes(substitute);
        try {
            byte[] secret = decrypt(key, ciphertext);
            if (secret.length == expectedLength) {
                Secrets.wipe(substitute);
                return secret;
            }
            Secrets.wipe(secret);
        } catch (GeneralSecurityException | RuntimeException e) {
            // Implicit rejection: fall through to the random substitute.
        }
        return substitute;
    }
}
