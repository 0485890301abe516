package io.peerlink.sealed;

import io.peerlink.crypto.AesGcm;
import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.X25519;
import io.peerlink.wire.Limits;
import io.peerlink.wire.WireConstants;
import java.nio.charset.StandardCharsets;

/**
 * Every constant of the sealed-message and prekey formats (docs/PROTOCOL.md, "Sealed messages and
 * prekeys"), sizes computed from their parts.
 */
public final class SealedFormat {

    /** The version byte that opens a prekey bundle and a sealed message. */
    public static final int VERSION = 1;

    /** {@code h}'s starting point for a sealed message. */
    public static final String PROTOCOL_NAME = "peerlink_sealed_v1_X25519_MLKEM768_HKDF-SHA256_AES-256-GCM";
    /** Prefix of the data an RSA-PSS prekey signature covers. */
    static final byte[] PREKEY_LABEL = ascii("peerlink v1 prekey");
    /** Prefix of the data an RSA-PSS sender-certificate signature covers. */
    static final byte[] SEALING_KEY_LABEL = ascii("peerlink v1 sealing key");

    public static final int PEER_ID_LENGTH = 32;
    public static final int MESSAGE_ID_LENGTH = 16;
    public static final int TAG_LENGTH = AesGcm.TAG_LENGTH;

    /** RSA signatures are as long as the modulus: 2048 to 8192 bits. */
    public static final int MIN_SIGNATURE_LENGTH = WireConstants.MIN_RSA_BITS / 8;
    public static final int MAX_SIGNATURE_LENGTH = WireConstants.MAX_RSA_BITS / 8;
    public static final int MAX_SPKI_LENGTH = WireConstants.MAX_SPKI_LENGTH;

    /** A prekey's signed fields: kind u8, id u32, expiresAt int64, X25519 key, ML-KEM-768 encapsulation key. */
    public static final int PREKEY_BODY_LENGTH = 1 + 4 + 8 + X25519.KEY_LENGTH + MlKem768.ENCAPSULATION_KEY_LENGTH;
    /** A signed prekey: its body, then the signature with a u16 length prefix. */
    public static final int MAX_SIGNED_PREKEY_LENGTH = PREKEY_BODY_LENGTH + 2 + MAX_SIGNATURE_LENGTH;

    /** A sender certificate: spki (u16 prefix), sealing key, expiresAt, signature (u16 prefix). */
    public static final int MIN_CERTIFICATE_LENGTH = 2 + 1 + X25519.KEY_LENGTH + 8 + 2 + MIN_SIGNATURE_LENGTH;
    public static final int MAX_CERTIFICATE_LENGTH = 2 + MAX_SPKI_LENGTH + X25519.KEY_LENGTH + 8 + 2
            + MAX_SIGNATURE_LENGTH;

    /** The sealed message's clear header: version u8, prekey id u32. A mailbox may read it. */
    public static final int HEADER_LENGTH = 1 + 4;
    /** Header, ephemeral X25519 key, ML-KEM-768 ciphertext. */
    public static final int KEY_MATERIAL_LENGTH = HEADER_LENGTH + X25519.KEY_LENGTH + MlKem768.CIPHERTEXT_LENGTH;
    /** The body's plaintext before the text: message id, sentAt. */
    public static final int BODY_FIXED_LENGTH = MESSAGE_ID_LENGTH + 8;
    /** Largest text, in UTF-8 bytes: the live channel's limit. */
    public static final int MAX_TEXT_BYTES = Limits.DEFAULT_MAX_MESSAGE_BYTES;
    public static final int MIN_SEALED_LENGTH = KEY_MATERIAL_LENGTH + 2 + MIN_CERTIFICATE_LENGTH + TAG_LENGTH
            + BODY_FIXED_LENGTH + TAG_LENGTH;
    public static final int MAX_SEALED_LENGTH = KEY_MATERIAL_LENGTH + 2 + MAX_CERTIFICATE_LENGTH + TAG_LENGTH
            + BODY_FIXED_LENGTH + MAX_TEXT_BYTES + TAG_LENGTH;

    /** How long after its sealing key's expiry a message may still be opened: the longest a mailbox keeps one. */
    public static final long OPEN_GRACE_MILLIS = 30L * 24 * 60 * 60 * 1000;

    private SealedFormat() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
