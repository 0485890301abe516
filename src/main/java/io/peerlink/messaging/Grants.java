package io.peerlink.messaging;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One-time grants (docs/PROTOCOL.md section 8.2): a token is {@value #TOKEN_BYTES} random bytes,
 * written base64url in an invite; the store keeps only its SHA-256.
 */
final class Grants {

    /** Bytes of a token this peer creates: 256 bits. */
    static final int TOKEN_BYTES = 32;

    private Grants() {
    }

    /** SHA-256 of the token's bytes: what the store keeps and looks up. */
    static byte[] hash(byte[] token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
