package io.peerlink.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * One frame as it crossed the wire: the 5 header bytes and the body.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 length of body (uint32, big-endian)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     type      |        body (length bytes) ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param header the 5 header bytes exactly as received or sent
 * @param body the body, {@code length} bytes
 */
public record RawFrame(byte[] header, byte[] body) {

    public byte type() {
        return header[WireConstants.LENGTH_FIELD_LENGTH];
    }

    /** Header and body as one array: the exact bytes on the wire. */
    public byte[] bytes() {
        byte[] all = new byte[header.length + body.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(body, 0, all, header.length, body.length);
        return all;
    }

    public static byte[] header(byte type, int bodyLength) {
        byte[] h = new byte[WireConstants.HEADER_LENGTH];
        writeHeader(h, 0, type, bodyLength);
        return h;
    }

    /** Writes the 5 header bytes of a frame at {@code destination[offset]}. */
    public static void writeHeader(byte[] destination, int offset, byte type, int bodyLength) {
        destination[offset] = (byte) (bodyLength >>> 24);
        destination[offset + 1] = (byte) (bodyLength >>> 16);
        destination[offset + 2] = (byte) (bodyLength >>> 8);
        destination[offset + 3] = (byte) bodyLength;
        destination[offset + 4] = type;
    }

    public static RawFrame of(byte type, byte[] body) {
        return new RawFrame(header(type, body.length), body);
    }

    /**
     * Reads one frame. Returns {@code null} on end of stream before the first header byte (a clean
     * close); end of stream anywhere else is {@link ProtocolException.Reason#TRUNCATED}. The length
     * prefix is checked against {@code maxLength} before the body is read or allocated.
     */
    public static RawFrame read(InputStream in, int maxLength) throws IOException, ProtocolException {
        byte[] header = new byte[WireConstants.HEADER_LENGTH];
        int length = readHeader(in, header, maxLength);
        if (length < 0) {
            return null;
        }
        byte[] body = new byte[length];
        readBody(in, body, 0, length);
        return new RawFrame(header, body);
    }

    /**
     * Reads the 5 header bytes into {@code buffer[0, 5)} and returns the body length, checked
     * against {@code maxLength}; -1 on end of stream before the first byte (see {@link #read}).
     */
    static int readHeader(InputStream in, byte[] buffer, int maxLength) throws IOException, ProtocolException {
        int first = in.read();
        if (first < 0) {
            return -1;
        }
        buffer[0] = (byte) first;
        readFully(in, buffer, 1, WireConstants.HEADER_LENGTH - 1, -1);
        long length = ((buffer[0] & 0xFFL) << 24) | ((buffer[1] & 0xFF) << 16) | ((buffer[2] & 0xFF) << 8)
                | (buffer[3] & 0xFF);
        if (length > maxLength) {
            throw new ProtocolException(ProtocolException.Reason.FRAME_TOO_LARGE,
                    "length prefix " + length + " exceeds the limit of " + maxLength + " bytes");
        }
        return (int) length;
    }

    /** Reads a body of {@code length} bytes into {@code buffer[offset, offset + length)}. */
    static void readBody(InputStream in, byte[] buffer, int offset, int length) throws IOException, ProtocolException {
        readFully(in, buffer, offset, length, length);
    }

    /** {@code bodyLength} names the frame's part in the error: -1 for the header. */
    private static void readFully(InputStream in, byte[] buffer, int offset, int length, int bodyLength)
            throws IOException, ProtocolException {
        int done = 0;
        while (done < length) {
            int n;
            try {
                n = in.read(buffer, offset + done, length - done);
            } catch (EOFException e) {
                n = -1;
            }
            if (n < 0) {
                String what = bodyLength < 0 ? "header" : "body of " + bodyLength + " bytes";
                throw new ProtocolException(ProtocolException.Reason.TRUNCATED,
                        "stream ended after " + done + " of " + length + " bytes of the frame " + what);
            }
            done += n;
        }
    }
}
