package io.peerlink.handshake;

import static io.peerlink.wire.ProtocolException.Reason.GARBAGE;
import static io.peerlink.wire.ProtocolException.Reason.MALFORMED;
import static io.peerlink.wire.ProtocolException.Reason.UNEXPECTED_FRAME;

import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.nio.ByteBuffer;
import java.util.Locale;

/** Reads the fields of a handshake body, refusing short, over-long and trailing input. */
final class FieldReader {

    private final ByteBuffer buffer;
    private final String message;

    private FieldReader(byte[] body, String message) {
        this.buffer = ByteBuffer.wrap(body);
        this.message = message;
    }

    /**
     * A reader over the body of {@code frame}, once its type is {@code type}: another peerlink frame
     * type is UNEXPECTED_FRAME (out of order), any other byte GARBAGE.
     */
    static FieldReader of(RawFrame frame, byte type, String message) throws ProtocolException {
        byte actual = frame.type();
        if (actual != type) {
            boolean known = actual == WireConstants.TYPE_SERVER_HELLO || actual == WireConstants.TYPE_CLIENT_HELLO
                    || actual == WireConstants.TYPE_SERVER_FINISH || actual == WireConstants.TYPE_CLIENT_FINISH
                    || actual == WireConstants.TYPE_RECORD;
            throw new ProtocolException(known ? UNEXPECTED_FRAME : GARBAGE, String.format(Locale.ROOT,
                    "frame type 0x%02x where %s (0x%02x) was expected", actual, message, type));
        }
        return new FieldReader(frame.body(), message);
    }

    int u8(String field) throws ProtocolException {
        need(1, field);
        return buffer.get() & 0xFF;
    }

    int u16(String field) throws ProtocolException {
        need(2, field);
        return buffer.getShort() & 0xFFFF;
    }

    byte[] fixed(int length, String field) throws ProtocolException {
        need(length, field);
        byte[] out = new byte[length];
        buffer.get(out);
        return out;
    }

    /** A u16 length, checked against [min, max] before anything is read, then that many bytes. */
    byte[] lengthPrefixed(int min, int max, String field, ProtocolException.Reason reason) throws ProtocolException {
        int length = u16(field + " length");
        if (length < min || length > max) {
            throw new ProtocolException(reason, message + ": " + field + " of " + length + " bytes, expected "
                    + (min == max ? String.valueOf(min) : min + ".." + max));
        }
        return fixed(length, field);
    }

    void end() throws ProtocolException {
        if (buffer.hasRemaining()) {
            throw new ProtocolException(MALFORMED, message + ": " + buffer.remaining() + " trailing bytes");
        }
    }

    private void need(int n, String field) throws ProtocolException {
        if (buffer.remaining() < n) {
            throw new ProtocolException(MALFORMED, message + " truncated: " + field + " needs " + n
                    + " bytes, " + buffer.remaining() + " left");
        }
    }
}
