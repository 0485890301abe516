package io.peerlink.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM through the JCA. The 96-bit nonce is four zero bytes followed by the counter in
 * big-endian order, exactly as in the Noise framework's AESGCM cipher functions.
 *
 * <p>One instance keeps one {@link Cipher} and is therefore not thread-safe: each direction of a
 * connection owns its own instance.
 */
public final class AesGcm implements Aead {

    public static final int KEY_LENGTH = 32;
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;

    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] nonce = new byte[NONCE_LENGTH];

    /** Copies {@code keyBytes}; the caller may wipe its array afterwards. */
    public AesGcm(byte[] keyBytes) {
        if (keyBytes.length != KEY_LENGTH) {
            throw new IllegalArgumentException("AES-256-GCM key must be 32 bytes, was " + keyBytes.length);
        }
        this.key = new SecretKeySpec(keyBytes, "AES");
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is missing from this JDK", e);
        }
    }

    /** The nonce for a counter value: 4 zero bytes, then the counter as big-endian uint64. */
    public static byte[] nonce(long counter) {
        byte[] n = new byte[NONCE_LENGTH];
        writeNonce(n, counter);
        return n;
    }

    private static void writeNonce(byte[] n, long counter) {
        for (int i = 0; i < 8; i++) {
            n[4 + i] = (byte) (counter >>> (56 - 8 * i));
        }
    }

    @Override
    public byte[] seal(long counter, byte[] associatedData, byte[] plaintext) throws GeneralSecurityException {
        init(Cipher.ENCRYPT_MODE, counter, associatedData);
        return cipher.doFinal(plaintext);
    }

    @Override
    public byte[] open(long counter, byte[] associatedData, byte[] ciphertext) throws GeneralSecurityException {
        if (ciphertext.length < TAG_LENGTH) {
            throw new GeneralSecurityException("ciphertext shorter than the tag");
        }
        init(Cipher.DECRYPT_MODE, counter, associatedData);
        return cipher.doFinal(ciphertext);
    }

    private void init(int mode, long counter, byte[] associatedData) throws GeneralSecurityException {
        writeNonce(nonce, counter);
        cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
        if (associatedData.length > 0) {
            cipher.updateAAD(associatedData);
        }
    }

    @Override
    public String toString() {
        return "AesGcm[key=<redacted>]";
    }

    // The JDK's SecretKeySpec.destroy() only throws DestroyFailedException, so
    // the copy inside the spec cannot be wiped; callers wipe their own arrays with Secrets.wipe.
}
