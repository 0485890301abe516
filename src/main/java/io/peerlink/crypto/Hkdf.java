package io.peerlink.crypto;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** HKDF-SHA256 (RFC 5869) through {@code javax.crypto.KDF}. */
public final class Hkdf {

    private Hkdf() {
    }

    /** HKDF-Extract(salt, ikm) then HKDF-Expand(prk, info, length). An empty ikm is allowed. */
    public static byte[] extractAndExpand(byte[] salt, byte[] ikm, byte[] info, int length) {
        try {
            return kdf().deriveData(HKDFParameterSpec.ofExtract()
                    .addSalt(salt)
                    .addIKM(ikm)
                    .thenExpand(info, length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 failed", e);
        }
    }

    /** HKDF-Extract(salt, ikm): the 32-byte pseudorandom key. An empty ikm is allowed. */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        try {
            return kdf().deriveData(HKDFParameterSpec.ofExtract().addSalt(salt).addIKM(ikm).extractOnly());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 failed", e);
        }
    }

    /** HKDF-Expand(prk, info, length) with a pseudorandom key of at least 32 bytes. */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        try {
            return kdf().deriveData(HKDFParameterSpec.expandOnly(new SecretKeySpec(prk, "HKDF-PRK"), info, length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 failed", e);
        }
    }

    private static KDF kdf() throws NoSuchAlgorithmException {
        // KDF objects are not thread-safe; getInstance is cheap next to the derivation itself.
        return KDF.getInstance("HKDF-SHA256");
    }
}
