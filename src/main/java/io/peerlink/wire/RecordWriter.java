package io.peerlink.wire;

import io.peerlink.crypto.CipherState;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * Writes frames as AES-256-GCM records under one direction's {@link CipherState}. The record
 * header (5 bytes) is the associated data; the nonce is the direction's record counter. Once
 * {@link Limits#keyUpdateAfterFrames()} records went out under one key, the writer sends KEY_UPDATE
 * (still under that key) and moves to the next key.
 *
 * <p>Each frame is encoded straight into a buffer the writer keeps ({@code header | inner frame |
 * tag}, one record after another) and sealed in place there. {@link #append} adds records to that
 * buffer and {@link #flush} hands all of them to the stream in one write and one flush: several
 * records per write, still one record per frame, so the bytes on the wire are exactly those of one
 * {@link #write} per frame.
 *
 * <p>The writer keeps a buffer of up to {@value RecordBuffer#RETAINED_BYTES} bytes for life; records
 * that do not fit get a large buffer, kept while large writes keep coming and let go after a write
 * that fits the kept buffer (a keep-alive at the latest; see {@link RecordBuffer}).
 *
 * <p>Not thread-safe: a connection's writes all go through its one send thread.
 */
public final class RecordWriter {

    /**
     * How many bytes of records {@link #writeBatch} gathers into one write at most (a tuning knob,
     * not a wire constant; one record may take a batch past it).
     */
    public static final int BATCH_BYTES = 64 * 1024;

    /** Room for a few small records from the start; larger batches grow the buffer. */
    private static final int INITIAL_BUFFER = 512;

    private final OutputStream out;
    private final CipherState cipher;
    private final Limits limits;
    private final RecordBuffer buffer = new RecordBuffer(INITIAL_BUFFER);
    private int pending;
    private long recordsUnderKey;
    private boolean closed;

    public RecordWriter(OutputStream out, CipherState cipher, Limits limits) {
        this.out = out;
        this.cipher = cipher;
        this.limits = limits;
    }

    /** Encrypts and writes one frame, then flushes. Nothing may be written after a CLOSE. */
    public void write(Frame frame) throws IOException {
        append(frame);
        flush();
    }

    /**
     * Encrypts {@code first} and then the frames {@code more} holds at this moment (taken with
     * {@link Queue#poll}), until the records reach {@code maxBytes} or a CLOSE was taken, and writes
     * them all with one write and one flush. Returns the frames written, in order: when this
     * returns, the write that carried each of them has completed. On an exception none of them
     * may be taken as written.
     */
    public List<Frame> writeBatch(Frame first, Queue<? extends Frame> more, int maxBytes) throws IOException {
        List<Frame> written = new ArrayList<>();
        Frame frame = first;
        while (true) {
            append(frame);
            written.add(frame);
            if (frame instanceof Frame.Close || pending >= maxBytes) {
                break;
            }
            frame = more.poll();
            if (frame == null) {
                break;
            }
        }
        flush();
        return written;
    }

    /**
     * Encrypts one frame (after a KEY_UPDATE when one is due) into the pending records without
     * writing anything; {@link #flush} writes them. Nothing may be appended after a CLOSE.
     */
    public void append(Frame frame) {
        if (closed) {
            throw new IllegalStateException("CLOSE already sent");
        }
        if (frame instanceof Frame.KeyUpdate) {
            throw new IllegalArgumentException("key updates are the writer's own business");
        }
        if (recordsUnderKey >= limits.keyUpdateAfterFrames()) {
            // After N records under one key, KEY_UPDATE is the last record under it.
            appendRecord(new Frame.KeyUpdate());
            cipher.rekey();
            recordsUnderKey = 0;
        }
        appendRecord(frame);
        if (frame instanceof Frame.Close) {
            closed = true;
        }
    }

    /** Bytes of records appended and not yet written. */
    public int pendingBytes() {
        return pending;
    }

    /** Writes the pending records with one write, then flushes the stream. */
    public void flush() throws IOException {
        int length = pending;
        pending = 0;
        if (length > 0) {
            out.write(buffer.array(), 0, length);
        }
        if (length <= RecordBuffer.RETAINED_BYTES) {
            // a small write: the large buffer, if any, goes
            buffer.release();
        }
        out.flush();
    }

    /** Bytes of record buffer held now (tests). */
    int bufferBytesHeld() {
        return buffer.bytesHeld();
    }

    private void appendRecord(Frame frame) {
        byte[] text = FrameCodec.utf8Text(frame);
        int plaintext = FrameCodec.length(frame, text);
        int bodyLength = plaintext + WireConstants.TAG_LENGTH;
        int start = pending;
        int end = start + WireConstants.HEADER_LENGTH + bodyLength;
        byte[] buffer = this.buffer.ensure(end, start, Integer.MAX_VALUE);
        RawFrame.writeHeader(buffer, start, WireConstants.TYPE_RECORD, bodyLength);
        int body = start + WireConstants.HEADER_LENGTH;
        FrameCodec.encode(frame, text, buffer, body);
        try {
            // the header is the associated data; ciphertext and tag replace the plaintext
            cipher.encryptInPlace(buffer, start, WireConstants.HEADER_LENGTH, body, plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
        pending = end;
        recordsUnderKey++;
    }

    /** Records sent so far in this direction (the next record's nonce counter). */
    public long recordsSent() {
        return cipher.counter();
    }
}
