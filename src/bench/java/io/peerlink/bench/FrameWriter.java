package io.peerlink.bench;

import java.io.IOException;
import java.io.OutputStream;

/** Writes each frame with one {@code write} call, header and body together, then flushes. */
final class FrameWriter {

    private final OutputStream out;
    private byte[] buffer = new byte[Frames.HEADER_LENGTH + 4096];

    FrameWriter(OutputStream out) {
        this.out = out;
    }

    void write(Frame frame) throws IOException {
        byte[] body = frame.body();
        int length = Frames.HEADER_LENGTH + body.length;
        if (buffer.length < length) {
            buffer = new byte[length];
        }
        Frames.writeHeader(buffer, 0, frame.type(), body.length);
        System.arraycopy(body, 0, buffer, Frames.HEADER_LENGTH, body.length);
        out.write(buffer, 0, length);
        out.flush();
    }
}
