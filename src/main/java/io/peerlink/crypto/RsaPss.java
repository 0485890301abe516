package io.peerlink.crypto;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * RSASSA-PSS (RFC 8017 section 8.1) with SHA-256, MGF1-SHA-256, a 32-byte salt and the trailer field
 * 0xbc, always from the JDK's provider. The parameters are given explicitly, as for {@link RsaOaep}:
 * the JCA's bare {@code RSASSA-PSS} has no defaults. The salt is drawn from the caller's
 * {@link SecureRandom} (one draw of 32 bytes), so the test vectors of docs/PROTOCOL.md can be
 * reproduced; the JDK's RSA blinding does not draw from it.
 */
public final class RsaPss {

    public static final int SALT_LENGTH = 32;
    public static final PSSParameterSpec PARAMETERS =
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, SALT_LENGTH, PSSParameterSpec.TRAILER_FIELD_BC);

    private RsaPss() {
    }

    /** The signature of {@code data}: exactly as long as the modulus. */
    public static byte[] sign(PrivateKey key, byte[] data, SecureRandom random) {
        try {
            Signature signature = Signature.getInstance("RSASSA-PSS");
            signature.setParameter(PARAMETERS);
            signature.initSign(key, random);
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSASSA-PSS signing failed", e);
        }
    }

    /** Whether {@code signature} is a valid signature of {@code data} under {@code key}; never throws for bad input. */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("RSASSA-PSS");
            verifier.setParameter(PARAMETERS);
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
