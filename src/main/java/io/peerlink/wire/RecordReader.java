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
 *
 * <p>Each record is read into one buffer (header, then body) and opened in place there. The reader
 * keeps a buffer of up to {@value RecordBuffer#RETAINED_BYTES} bytes for life; a larger record gets
 * a large buffer, kept while large records keep coming and let go once a small one (a keep-alive at
 * the latest) has been read (see {@link RecordBuffer}). Not thread-safe: a connection's reads all come from
 * its one receive thread.
 */
public final class RecordReader {

    /** Room for a small record from the start; larger ones grow the buffer. */
    private static final int INITIAL_BUFFER = 512;

    private final InputStream in;
    private final CipherState cipher;
    private final Limits limits;
    private final int version;
    private final RecordBuffer buffer = new RecordBuffer(INITIAL_BUFFER);
    private boolean closed;

    /** A reader for a session of protocol version 1. */
    public RecordReader(InputStream in, CipherState cipher, Limits limits) {
        this(in, cipher, limits, WireConstants.VERSION_1);
    }

    /** A reader for a session of protocol {@code version}: inner types of later versions are MALFORMED. */
    public RecordReader(InputStream in, CipherState cipher, Limits limits, int version) {
        this.in = in;
        this.cipher = cipher;
        this.limits = limits;
        this.version = version;
    }

    /** The next frame, or {@code null} when the stream ended cleanly at a frame boundary. */
    public Frame read() throws IOException, ProtocolException {
        while (true) {
            int length = RawFrame.readHeader(in, buffer.array(), limits.maxFrameLength());
            if (length < 0) {
                return null;
            }
            // the header is checked against the limit already: grow, keeping it
            byte[] buffer = this.buffer.ensure(WireConstants.HEADER_LENGTH + length, WireConstants.HEADER_LENGTH,
                    WireConstants.HEADER_LENGTH + limits.maxFrameLength());
            RawFrame.readBody(in, buffer, WireConstants.HEADER_LENGTH, length);
            if (closed) {
                throw new ProtocolException(ProtocolException.Reason.FRAME_AFTER_CLOSE,
                        "a frame of " + length + " bytes arrived after CLOSE");
            }
            byte type = buffer[WireConstants.LENGTH_FIELD_LENGTH];
            if (type != WireConstants.TYPE_RECORD) {
                throw new ProtocolException(ProtocolException.Reason.UNEXPECTED_FRAME,
                        String.format(Locale.ROOT, "frame type 0x%02x where a record (0x17) was expected", type));
            }
            if (length < WireConstants.MIN_RECORD_LENGTH) {
                throw new ProtocolException(ProtocolException.Reason.MALFORMED,
                        "record body of " + length + " bytes is shorter than " + WireConstants.MIN_RECORD_LENGTH);
            }
            long counter = cipher.counter();
            int plaintext;
            try {
                // the header is the associated data; the plaintext replaces the ciphertext
                plaintext = cipher.decryptInPlace(buffer, 0, WireConstants.HEADER_LENGTH, WireConstants.HEADER_LENGTH,
                        length);
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(ProtocolException.Reason.DECRYPT_FAILED,
                        "record " + counter + " failed authentication (tampered, replayed, dropped or reordered)");
            }
            Frame frame = FrameCodec.decode(buffer, WireConstants.HEADER_LENGTH, plaintext, limits, version);
            if (WireConstants.HEADER_LENGTH + length <= RecordBuffer.RETAINED_BYTES) {
                // a small record: the large buffer, if any, goes (the frame keeps no reference to it)
                this.buffer.release();
            }
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

    /** Bytes of record buffer held now (tests). */
    int bufferBytesHeld() {
        return buffer.bytesHeld();
    }

    /** Records received so far in this direction. */
    public long recordsReceived() {
        return cipher.counter();
    }
}
