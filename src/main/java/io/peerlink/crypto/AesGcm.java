package io.peerlink.crypto;

import java.security.GeneralSecurityException;
import java.security.Provider;
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

    /**
     * Copies {@code keyBytes}; the caller may wipe its array afterwards. The cipher comes from the
     * provider {@link CryptoProviders} chose for AES-GCM.
     */
    public AesGcm(byte[] keyBytes) {
        this(keyBytes, CryptoProviders.aesGcm());
    }

    /** With the cipher from {@code provider} (null: the JDK's), for tests of both providers. */
    AesGcm(byte[] keyBytes, Provider provider) {
        if (keyBytes.length != KEY_LENGTH) {
            throw new IllegalArgumentException("AES-256-GCM key must be 32 bytes, was " + keyBytes.length);
        }
        this.key = new SecretKeySpec(keyBytes, "AES");
        this.cipher = newCipher(provider);
    }

    /** The one place that obtains the JCA cipher: from {@code provider}, or the JDK's when it is null. */
    private static Cipher newCipher(Provider provider) {
        try {
            return CryptoProviders.cipher(CryptoProviders.AES_GCM, provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is missing from " + (provider == null ? "this JDK"
                    : provider.getName()), e);
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

    /**
     * Seals {@code buffer[offset, offset + length)} in place: the ciphertext and the tag replace the
     * plaintext from {@code offset} on, so the array needs {@link #TAG_LENGTH} bytes of room after it.
     * The associated data is {@code buffer[aadOffset, aadOffset + aadLength)} and must not overlap
     * the plaintext. Returns the sealed length, {@code length + TAG_LENGTH}.
     */
    public int sealInPlace(long counter, byte[] buffer, int aadOffset, int aadLength, int offset, int length)
            throws GeneralSecurityException {
        init(Cipher.ENCRYPT_MODE, counter, buffer, aadOffset, aadLength);
        return cipher.doFinal(buffer, offset, length, buffer, offset);
    }

    /**
     * Opens {@code buffer[offset, offset + length)} (ciphertext then tag) in place: the plaintext
     * starts at {@code offset}. Returns its length, or throws if anything was not authentic (the
     * bytes of the range are then unspecified).
     */
    public int openInPlace(long counter, byte[] buffer, int aadOffset, int aadLength, int offset, int length)
            throws GeneralSecurityException {
        if (length < TAG_LENGTH) {
            throw new GeneralSecurityException("ciphertext shorter than the tag");
        }
        init(Cipher.DECRYPT_MODE, counter, buffer, aadOffset, aadLength);
        return cipher.doFinal(buffer, offset, length, buffer, offset);
    }

    private void init(int mode, long counter, byte[] associatedData) throws GeneralSecurityException {
        init(mode, counter, associatedData, 0, associatedData.length);
    }

    private void init(int mode, long counter, byte[] aad, int aadOffset, int aadLength)
            throws GeneralSecurityException {
        writeNonce(nonce, counter);
        // a fresh nonce per record, so the JDK's refusal to re-init encryption with a used IV never applies
        cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
        if (aadLength > 0) {
            cipher.updateAAD(aad, aadOffset, aadLength);
        }
    }

    @Override
    public String toString() {
        return "AesGcm[key=<redacted>]";
    }

    // The JDK's SecretKeySpec.destroy() only throws DestroyFailedException, so
    // the copy inside the spec cannot be wiped; callers wipe their own arrays with Secrets.wipe.
}
