package io.peerlink.wire;

import io.peerlink.crypto.CipherState;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Locale;

/**
 * Reads AES-256-GCM records under one direction's {@link CipherState} and decodes their frames.
 * The nonce is the number of records received so far, never sent: a replayed, dropped or reordered
 * record fails authentication like a tampered one, and any failure ends the connection.
 *
 * <p>KEY_UPDATE records are handled here (the receive key moves on) and not returned. After a
 * CLOSE, any further frame is {@link ProtocolException.Reason#FRAME_AFTER_CLOSE}.
 */
public final class RecordReader {

    private final InputStream in;
    private final CipherState cipher;
    private final Limits limits;
    private boolean closed;

    public RecordReader(InputStream in, CipherState cipher, Limits limits) {
        this.in = in;
        this.cipher = cipher;
        this.limits = limits;
    }

    /** The next frame, or {@code null} when the stream ended cleanly at a frame boundary. */
    public Frame read() throws IOException, ProtocolException {
        while (true) {
            RawFrame raw = RawFrame.read(in, limits.maxFrameLength());
            if (raw == null) {
                return null;
            }
            if (closed) {
                throw new ProtocolException(ProtocolException.Reason.FRAME_AFTER_CLOSE,
                        "a frame of " + raw.body().length + " bytes arrived after CLOSE");
            }
            if (raw.type() != WireConstants.TYPE_RECORD) {
                throw new ProtocolException(ProtocolException.Reason.UNEXPECTED_FRAME,
                        String.format(Locale.ROOT, "frame type 0x%02x where a record (0x17) was expected", raw.type()));
            }
            if (raw.body().length < WireConstants.MIN_RECORD_LENGTH) {
                throw new ProtocolException(ProtocolException.Reason.MALFORMED,
                        "record body of " + raw.body().length + " bytes is shorter than "
                                + WireConstants.MIN_RECORD_LENGTH);
            }
            long counter = cipher.counter();
            byte[] plaintext;
            try {
                plaintext = cipher.decrypt(raw.header(), raw.body());
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(ProtocolException.Reason.DECRYPT_FAILED,
                        "record " + counter + " failed authentication (tampered, replayed, dropped or reordered)");
            }
            Frame frame = FrameCodec.decode(plaintext, limits);
            if (frame instanceof Frame.KeyUpdate) {
                cipher.rekey();
                continue;
            }
            if (frame instanceof Frame.Close) {
                closed = true;
            }
            return frame;
        }
    }

    /** Records received so far in this direction. */
    public long recordsReceived() {
        return cipher.counter();
    }
}
