package io.peerlink.wire;

import io.peerlink.crypto.CipherState;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;

/**
 * Writes frames as AES-256-GCM records under one direction's {@link CipherState}. The record
 * header (5 bytes) is the associated data; the nonce is the direction's record counter. Once
 * {@link Limits#keyUpdateAfterFrames()} records went out under one key, the writer sends KEY_UPDATE
 * (still under that key) and moves to the next key.
 *
 * <p>Not thread-safe: a connection's writes all go through its one send thread.
 */
public final class RecordWriter {

    private final OutputStream out;
    private final CipherState cipher;
    private final Limits limits;
    private long recordsUnderKey;
    private boolean closed;

    public RecordWriter(OutputStream out, CipherState cipher, Limits limits) {
        this.out = out;
        this.cipher = cipher;
        this.limits = limits;
    }

    /** Encrypts and writes one frame, then flushes. Nothing may be written after a CLOSE. */
    public void write(Frame frame) throws IOException {
        if (closed) {
            throw new IllegalStateException("CLOSE already sent");
        }
        if (frame instanceof Frame.KeyUpdate) {
            throw new IllegalArgumentException("key updates are the writer's own business");
        }
        if (recordsUnderKey >= limits.keyUpdateAfterFrames()) {
            // After N records under one key, KEY_UPDATE is the last record under it.
            writeRecord(FrameCodec.encode(new Frame.KeyUpdate()));
            cipher.rekey();
            recordsUnderKey = 0;
        }
        writeRecord(FrameCodec.encode(frame));
        out.flush();
        if (frame instanceof Frame.Close) {
            closed = true;
        }
    }

    private void writeRecord(byte[] plaintext) throws IOException {
        byte[] header = RawFrame.header(WireConstants.TYPE_RECORD, plaintext.length + WireConstants.TAG_LENGTH);
        byte[] ciphertext;
        try {
            ciphertext = cipher.encrypt(header, plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
        out.write(header);
        out.write(ciphertext);
        recordsUnderKey++;
    }

    /** Records sent so far in this direction (the next record's nonce counter). */
    public long recordsSent() {
        return cipher.counter();
    }
}
