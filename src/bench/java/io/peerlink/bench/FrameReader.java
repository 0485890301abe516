package io.peerlink.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads frames (layout in {@link Frames}) through a 64 KiB buffer; checks the length before allocating. */
final class FrameReader {

    private final DataInputStream in;

    FrameReader(InputStream in) {
        this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16));
    }

    /** The next frame, or {@code null} on end of stream at a frame boundary (a clean close). */
    Frame read() throws IOException {
        int length = readLength();
        if (length < 0) {
            return null;
        }
        int type = in.readUnsignedByte();
        byte[] body = new byte[length];
        in.readFully(body);
        return new Frame(type, body);
    }

    /** Skips the next frame unread; false on end of stream at a frame boundary. */
    boolean skip() throws IOException {
        int length = readLength();
        if (length < 0) {
            return false;
        }
        in.readUnsignedByte();
        in.skipNBytes(length);
        return true;
    }

    private int readLength() throws IOException {
        int first = in.read();
        if (first < 0) {
            return -1;
        }
        long length = ((long) first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8)
                | in.readUnsignedByte();
        if (length > Frames.MAX_BODY_LENGTH) {
            throw new IOException("frame body of " + length + " bytes exceeds the limit of "
                    + Frames.MAX_BODY_LENGTH);
        }
        return (int) length;
    }
}
