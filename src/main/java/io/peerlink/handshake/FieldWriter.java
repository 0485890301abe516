package io.peerlink.handshake;

import io.peerlink.wire.RawFrame;
import java.io.ByteArrayOutputStream;

/** Builds a handshake body: big-endian integers, u16 length prefixes. The inverse of {@link FieldReader}. */
final class FieldWriter {

    private static final int MAX_U8 = 0xFF;
    private static final int MAX_U16 = 0xFFFF;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(2048);

    /** A u8 count; more than 255 items cannot be expressed. */
    void u8Count(int count, String field) {
        if (count > MAX_U8) {
            throw new IllegalArgumentException(field + ": " + count + " items do not fit in a u8 count");
        }
        out.write(count);
    }

    void u16(int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    void raw(byte[] bytes) {
        out.writeBytes(bytes);
    }

    /** A u16 length, then the bytes; more than 65535 bytes cannot be expressed. */
    void lengthPrefixed(byte[] bytes, String field) {
        if (bytes.length > MAX_U16) {
            throw new IllegalArgumentException(field + ": " + bytes.length + " bytes do not fit in a u16 length");
        }
        u16(bytes.length);
        raw(bytes);
    }

    RawFrame frame(byte type) {
        return RawFrame.of(type, out.toByteArray());
    }
}
