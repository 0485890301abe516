package io.peerlink.bench;

/**
 * The frame layout every transport in the load tool uses, the same as peerlink's wire format:
 *
 * <pre>
 * +------------------------------+----------+---------------------------+
 * | length: u32, big-endian      | type: u8 | body: length bytes        |
 * | (counts the body bytes only) |          |                           |
 * +------------------------------+----------+---------------------------+
 * </pre>
 */
public final class Frames {

    public static final int LENGTH_FIELD_LENGTH = 4;
    public static final int TYPE_FIELD_LENGTH = 1;
    public static final int HEADER_LENGTH = LENGTH_FIELD_LENGTH + TYPE_FIELD_LENGTH;

    /** Bodies above this are refused before allocating; a 64 KiB message under RSA-2048 is 88,320 bytes. */
    public static final int MAX_BODY_LENGTH = 1 << 20;

    /** Baseline "plain": the body is the message itself (also what the TLS baseline carries). */
    public static final int TYPE_PLAIN = 0x01;
    /** Baseline "RSA-OAEP per message": the body is a sequence of RSA-OAEP blocks. */
    public static final int TYPE_RSA_OAEP = 0x02;

    private Frames() {
    }

    public static byte[] header(int type, int bodyLength) {
        byte[] header = new byte[HEADER_LENGTH];
        writeHeader(header, 0, type, bodyLength);
        return header;
    }

    static void writeHeader(byte[] destination, int offset, int type, int bodyLength) {
        destination[offset] = (byte) (bodyLength >>> 24);
        destination[offset + 1] = (byte) (bodyLength >>> 16);
        destination[offset + 2] = (byte) (bodyLength >>> 8);
        destination[offset + 3] = (byte) bodyLength;
        destination[offset + 4] = (byte) type;
    }
}
