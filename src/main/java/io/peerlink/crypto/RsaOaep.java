package io.peerlink.crypto;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * RSA-OAEP with SHA-256 and MGF1-SHA-256 and an empty label (RFC 8017). The parameters are always
 * given explicitly: the JDK's {@code OAEPWithSHA-256AndMGF1Padding} alone would use MGF1-SHA-1 (and
 * ACCP does not know that name). The decryption's cipher comes from the provider {@link
 * CryptoProviders} chose for it; encryption's is always the JDK's.
 */
public final class RsaOaep {

    /** Plain OAEP, its hash, MGF and label set by {@link #PARAMETERS}: the one name the JDK and ACCP both know. */
    public static final String TRANSFORMATION = "RSA/ECB/OAEPPadding";
    public static final OAEPParameterSpec PARAMETERS =
            new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

    private RsaOaep() {
    }

    /** The ciphertext length for a key: the modulus length in bytes. */
    public static int ciphertextLength(RSAKey key) {
        return (key.getModulus().bitLength() + 7) / 8;
    }

    /**
     * Encrypts with the JDK's cipher, always: its OAEP seed comes from {@code random}. (ACCP ignores
     * the SecureRandom given to {@code Cipher.init} and draws from AWS-LC's own generator, so the
     * handshake would no longer take all its randomness from one source, and the test vectors of
     * docs/PROTOCOL.md could not be reproduced. Encryption is the cheap half: 0.1 ms at RSA-3072.)
     */
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
        return decrypt(key, ciphertext, CryptoProviders.rsaOaepDecrypt());
    }

    /** With the cipher from {@code provider} (null: the JDK's), for tests of both providers. */
    static byte[] decrypt(PrivateKey key, byte[] ciphertext, Provider provider) throws GeneralSecurityException {
        Cipher cipher = CryptoProviders.cipher(TRANSFORMATION, provider);
        cipher.init(Cipher.DECRYPT_MODE, CryptoProviders.providerKey(key, provider), PARAMETERS);
        return cipher.doFinal(ciphertext);
    }

    /**
     * Decrypts a secret of {@code expectedLength} bytes. Any failure (bad padding, wrong length,
     * wrong key) yields a fresh random secret instead of an error, so the caller's key schedule
     * goes on and the later key-confirmation MAC fails: an attacker learns nothing about why, the
     * same implicit rejection that ML-KEM performs.
     */
    public static byte[] decryptOrRandom(PrivateKey key, byte[] ciphertext, int expectedLength, SecureRandom random) {
        return decryptOrRandom(key, ciphertext, expectedLength, random, CryptoProviders.rsaOaepDecrypt());
    }

    /** With the cipher from {@code provider} (null: the JDK's), for tests of both providers. */
    static byte[] decryptOrRandom(PrivateKey key, byte[] ciphertext, int expectedLength, SecureRandom random,
            Provider provider) {
        byte[] substitute = new byte[expectedLength];
        random.nextBytes(substitute);
        try {
            byte[] secret = decrypt(key, ciphertext, provider);
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
