package io.peerlink.crypto;

import java.security.GeneralSecurityException;

/**
 * Authenticated encryption with associated data under one key, with the nonce supplied as a 64-bit
 * counter by the caller.
 *
 * <p><b>Security guarantees</b>: confidentiality and integrity of the plaintext, integrity of the
 * associated data, as long as a counter value is never used twice under the same key. Decryption
 * fails with {@link GeneralSecurityException} whatever the cause (wrong key, wrong counter, tampered
 * ciphertext, tampered associated data, truncated tag): callers cannot and must not tell causes apart.
 */
public interface Aead {

    /** Returns ciphertext followed by the authentication tag. */
    byte[] seal(long counter, byte[] associatedData, byte[] plaintext) throws GeneralSecurityException;

    /** Returns the plaintext, or throws if anything about the input was not authentic. */
    byte[] open(long counter, byte[] associatedData, byte[] ciphertext) throws GeneralSecurityException;
}
