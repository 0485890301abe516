package io.peerlink.wire;

import io.peerlink.crypto.AesGcm;
import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.X25519;
import java.math.BigInteger;

/**
 * Every wire constant of protocol version 1, sizes computed from their parts. docs/PROTOCOL.md is the
 * reference; tuning knobs (maximum frame length, key-update interval, time-outs) live in
 * {@link Limits}, not here.
 */
public final class WireConstants {

    private WireConstants() {
    }

    /** Protocol version 1: the handshake, the key schedule and inner types 0x01..0x05. */
    public static final int VERSION_1 = 1;
    /**
     * Protocol version 2: version 1's handshake and key schedule, plus the inner types GRANT (0x06)
     * and relay control (0x10..0x1F); 0x20..0x2F are reserved for the mailbox.
     */
    public static final int VERSION_2 = 2;
    /** The highest version this implementation speaks; it offers 1 up to this one. */
    public static final int MAX_VERSION = VERSION_2;
    /** Noise-style protocol name of version 1; {@code h = SHA-256(name)} starts the key schedule. */
    public static final String PROTOCOL_NAME_V1 = "peerlink_v1_RSA-OAEP-SHA256_X25519_MLKEM768_HKDF-SHA256_AES-256-GCM";

    // Frame header: u32 length of the body (big-endian), then u8 type.
    public static final int LENGTH_FIELD_LENGTH = 4;
    public static final int TYPE_FIELD_LENGTH = 1;
    public static final int HEADER_LENGTH = LENGTH_FIELD_LENGTH + TYPE_FIELD_LENGTH;

    // Outer frame types.
    public static final byte TYPE_SERVER_HELLO = 0x01;
    public static final byte TYPE_CLIENT_HELLO = 0x02;
    public static final byte TYPE_SERVER_FINISH = 0x03;
    public static final byte TYPE_CLIENT_FINISH = 0x04;
    public static final byte TYPE_RECORD = 0x17;
    /**
     * A relay's pre-handshake frame (version 2): a peer joining a circuit sends it, in clear, as its
     * first frame on a fresh connection to the relay (docs/PROTOCOL.md section 12).
     */
    public static final byte TYPE_JOIN = 0x10;

    // Inner (encrypted) frame types.
    public static final byte INNER_MESSAGE = 0x01;
    public static final byte INNER_ACK = 0x02;
    public static final byte INNER_KEEP_ALIVE = 0x03;
    public static final byte INNER_CLOSE = 0x04;
    public static final byte INNER_KEY_UPDATE = 0x05;
    // Relay control (version 2), docs/PROTOCOL.md section 12.
    public static final byte INNER_RESERVE = 0x10;
    public static final byte INNER_RESERVE_OK = 0x11;
    public static final byte INNER_CIRCUIT_REQUEST = 0x12;
    public static final byte INNER_CIRCUIT_READY = 0x13;
    public static final byte INNER_INCOMING_CIRCUIT = 0x14;
    public static final byte INNER_RELAY_REFUSED = 0x15;
    /** First and last inner type of the relay's control frames (version 2). */
    public static final byte INNER_RELAY_FIRST = 0x10;
    public static final byte INNER_RELAY_LAST = 0x1F;
    /** First and last inner type reserved for the mailbox (version 2, none defined yet). */
    public static final byte INNER_MAILBOX_FIRST = 0x20;
    public static final byte INNER_MAILBOX_LAST = 0x2F;

    /**
     * The protocol version that introduced the inner type {@code type}: 1 for 0x01..0x05, 2 for 0x06
     * and 0x10..0x2F; {@link Integer#MAX_VALUE} for a type no version defines. A receiver refuses an
     * inner type its session's version does not have (MALFORMED).
     */
    public static int versionOfInnerType(byte type) {
        if (type >= INNER_MESSAGE && type <= INNER_KEY_UPDATE) {
            return VERSION_1;
        }
        if (type == 0x06 || (type >= INNER_RELAY_FIRST && type <= INNER_MAILBOX_LAST)) {
            return VERSION_2;
        }
        return Integer.MAX_VALUE;
    }

    // Handshake field sizes.
    public static final int NONCE_LENGTH = 32;
    public static final int SECRET_LENGTH = 32;
    public static final int MAC_LENGTH = 32;
    public static final int X25519_KEY_LENGTH = X25519.KEY_LENGTH;
    public static final int MLKEM_ENCAPSULATION_KEY_LENGTH = MlKem768.ENCAPSULATION_KEY_LENGTH;
    public static final int MLKEM_CIPHERTEXT_LENGTH = MlKem768.CIPHERTEXT_LENGTH;
    public static final int MAX_OFFERED_VERSIONS = 8;
    public static final int MIN_RSA_BITS = 2048;
    public static final int MAX_RSA_BITS = 8192;
    /** The only RSA public exponent an identity key may have (F4), docs/PROTOCOL.md section 3. */
    public static final BigInteger RSA_PUBLIC_EXPONENT = BigInteger.valueOf(65537);
    /** Largest SubjectPublicKeyInfo accepted: an 8192-bit modulus with a generous exponent. */
    public static final int MAX_SPKI_LENGTH = 1100;
    /** Every handshake frame body fits in this; longer length prefixes are refused unread. */
    public static final int MAX_HANDSHAKE_FRAME_LENGTH = 4096;

    // Record sizes.
    public static final int TAG_LENGTH = AesGcm.TAG_LENGTH;
    public static final int INNER_TYPE_LENGTH = 1;
    /** The smallest record body: an inner type byte and the tag. */
    public static final int MIN_RECORD_LENGTH = INNER_TYPE_LENGTH + TAG_LENGTH;

    // Inner frame bodies.
    public static final int MESSAGE_ID_LENGTH = 16;
    public static final int TIMESTAMP_LENGTH = 8;
    public static final int MESSAGE_FIXED_LENGTH = MESSAGE_ID_LENGTH + TIMESTAMP_LENGTH;
    public static final int ACK_LENGTH = MESSAGE_ID_LENGTH;
    public static final int CLOSE_LENGTH = 2;

    // Relay control bodies and the JOIN frame.
    public static final int CIRCUIT_ID_LENGTH = 16;
    public static final int PEER_ID_LENGTH = 32;
    public static final int JOIN_SECRET_LENGTH = 32;
    public static final int RESERVE_OK_LENGTH = 4;
    public static final int CIRCUIT_REQUEST_LENGTH = CIRCUIT_ID_LENGTH + PEER_ID_LENGTH;
    public static final int CIRCUIT_READY_LENGTH = CIRCUIT_ID_LENGTH + JOIN_SECRET_LENGTH;
    public static final int INCOMING_CIRCUIT_LENGTH = CIRCUIT_ID_LENGTH + JOIN_SECRET_LENGTH;
    /** RELAY_REFUSED: the refused request's inner type, the circuit id (zeros for a reservation), the reason. */
    public static final int RELAY_REFUSED_LENGTH = 1 + CIRCUIT_ID_LENGTH + 2;
    /** JOIN body: the circuit id and the joining side's secret. */
    public static final int JOIN_LENGTH = CIRCUIT_ID_LENGTH + JOIN_SECRET_LENGTH;
}
