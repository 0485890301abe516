package io.peerlink.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * A key and its 64-bit nonce counter, as in the Noise framework's CipherState. The counter starts at
 * 0, grows by one per successful operation and never wraps: at 2^64-1 the state refuses to work.
 * {@link #rekey()} replaces the key and keeps the counter, so a (key, nonce) pair never repeats.
 *
 * <p>Not thread-safe: one direction of one connection owns one instance.
 */
public final class CipherState {

    /** HKDF info for a key update: {@code k' = HKDF-Expand(k, "peerlink v1 key update", 32)}. */
    static final byte[] KEY_UPDATE_LABEL = "peerlink v1 key update".getBytes(StandardCharsets.US_ASCII);

    private byte[] key;
    private AesGcm aead;
    private long counter;

    /** Takes ownership of {@code key} and wipes it when rekeyed or destroyed. */
    public CipherState(byte[] key) {
        this.key = key;
        this.aead = new AesGcm(key);
    }

    public long counter() {
        return counter;
    }

    public byte[] encrypt(byte[] associatedData, byte[] plaintext) throws GeneralSecurityException {
        checkUsable();
        byte[] ciphertext = aead.seal(counter, associatedData, plaintext);
        counter++;
        return ciphertext;
    }

    public byte[] decrypt(byte[] associatedData, byte[] ciphertext) throws GeneralSecurityException {
        checkUsable();
        byte[] plaintext = aead.open(counter, associatedData, ciphertext);
        counter++;
        return plaintext;
    }

    /**
     * Encrypts {@code buffer[offset, offset + length)} in place (see {@link AesGcm#sealInPlace}) under
     * the next counter; returns the sealed length.
     */
    public int encryptInPlace(byte[] buffer, int aadOffset, int aadLength, int offset, int length)
            throws GeneralSecurityException {
        checkUsable();
        int sealed = aead.sealInPlace(counter, buffer, aadOffset, aadLength, offset, length);
        counter++;
        return sealed;
    }

    /**
     * Decrypts {@code buffer[offset, offset + length)} in place (see {@link AesGcm#openInPlace}) under
     * the next counter; returns the plaintext length. The counter moves on only on success.
     */
    public int decryptInPlace(byte[] buffer, int aadOffset, int aadLength, int offset, int length)
            throws GeneralSecurityException {
        checkUsable();
        int opened = aead.openInPlace(counter, buffer, aadOffset, aadLength, offset, length);
        counter++;
        return opened;
    }

    /** Replaces the key by {@code HKDF-Expand(k, "peerlink v1 key update", 32)}; the counter goes on. */
    public void rekey() {
        checkUsable();
        byte[] next = Hkdf.expand(key, KEY_UPDATE_LABEL, AesGcm.KEY_LENGTH);
        Secrets.wipe(key);
        key = next;
        aead = new AesGcm(next);
    }

    /** Wipes the key; the state cannot be used afterwards. */
    public void destroy() {
        Secrets.wipe(key);
        key = null;
        aead = null;
    }

    private void checkUsable() throws IllegalStateException {
        if (aead == null) {
            throw new IllegalStateException("cipher state destroyed");
        }
        if (counter == -1L) {
            // 2^64-1 is reserved, as in Noise: never reached in practice, refused if it were.
            throw new IllegalStateException("nonce counter exhausted");
        }
    }

    @Override
    public String toString() {
        return "CipherState[counter=" + counter + ", key=<redacted>]";
    }
}
