package io.peerlink.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.crypto.CipherState;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The record buffers of a connection stay bounded: after the largest record the limits allow, a
 * reader and a writer hold {@value RecordBuffer#RETAINED_BYTES} bytes at most again once they have
 * handled a small record (a keep-alive comes every interval), and keep one large buffer while large
 * records keep coming.
 */
class RecordBufferBoundTest {

    private static final byte[] KEY = new byte[32];
    private static final Limits LIMITS = Limits.DEFAULTS;

    static {
        Arrays.fill(KEY, (byte) 0x24);
    }

    private static Frame.Message message(int i, int textBytes) {
        return new Frame.Message(new UUID(1, i), i, "x".repeat(textBytes));
    }

    private static byte[] records(Frame... frames) throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        RecordWriter writer = new RecordWriter(wire, new CipherState(KEY.clone()), LIMITS);
        for (Frame f : frames) {
            writer.write(f);
        }
        return wire.toByteArray();
    }

    @Test
    void readerHoldsOnlyTheKeptBufferAgainAfterASmallRecordFollowsAMaximalOne() throws Exception {
        Frame.Message maximal = message(0, LIMITS.maxMessageBytes());
        Frame.Message small = message(1, 100);
        Arrivals in = new Arrivals();
        RecordReader reader = new RecordReader(in, new CipherState(KEY.clone()), LIMITS);
        byte[] wire = records(maximal, maximal, small, small, maximal);
        int large = WireConstants.HEADER_LENGTH + FrameCodec.length(maximal, FrameCodec.utf8Text(maximal))
                + WireConstants.TAG_LENGTH;
        int smallRecord = (wire.length - 3 * large) / 2;

        // two maximal records arrive together: the second is read into the same large buffer; then
        // the line goes quiet (the reader blocks) until a small record arrives, and so on
        in.arrive(Arrays.copyOfRange(wire, 0, 2 * large));
        in.arrive(Arrays.copyOfRange(wire, 2 * large, 2 * large + smallRecord));
        in.arrive(Arrays.copyOfRange(wire, 2 * large + smallRecord, 2 * large + 2 * smallRecord));
        in.arrive(Arrays.copyOfRange(wire, 2 * large + 2 * smallRecord, wire.length));
        assertThat(reader.read()).isEqualTo(maximal);
        int held = reader.bufferBytesHeld();
        assertThat(held).isGreaterThan(large);
        assertThat(reader.read()).isEqualTo(maximal);
        assertThat(reader.bufferBytesHeld()).as("kept for the next large record").isEqualTo(held);

        assertThat(reader.read()).isEqualTo(small);
        assertThat(reader.bufferBytesHeld()).as("let go after a small record").isLessThanOrEqualTo(
                RecordBuffer.RETAINED_BYTES);
        assertThat(reader.read()).isEqualTo(small);
        assertThat(reader.bufferBytesHeld()).isLessThanOrEqualTo(RecordBuffer.RETAINED_BYTES);

        // and a large one later still reads (the counters stayed in step across the buffers)
        assertThat(reader.read()).isEqualTo(maximal);
        assertThat(reader.recordsReceived()).isEqualTo(5);
    }

    @Test
    void writerHoldsOnlyTheKeptBufferAgainAfterASmallWriteFollowsAMaximalOne() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        RecordWriter writer = new RecordWriter(wire, new CipherState(KEY.clone()), LIMITS);
        Frame.Message maximal = message(0, LIMITS.maxMessageBytes());

        writer.write(maximal);
        int held = writer.bufferBytesHeld();
        assertThat(held).isGreaterThan(LIMITS.maxMessageBytes());
        writer.write(message(1, LIMITS.maxMessageBytes()));
        assertThat(writer.bufferBytesHeld()).as("kept for the next large record").isEqualTo(held);
        writer.write(new Frame.KeepAlive());
        assertThat(writer.bufferBytesHeld()).isLessThanOrEqualTo(RecordBuffer.RETAINED_BYTES);

        // batches: one past the kept size keeps the large buffer, a small one lets it go
        Queue<Frame> queue = new ArrayDeque<>();
        for (int i = 0; i < 2_000; i++) {
            queue.add(message(10 + i, 50));
        }
        assertThat(writer.writeBatch(queue.poll(), queue, RecordWriter.BATCH_BYTES)).hasSizeGreaterThan(500);
        assertThat(writer.bufferBytesHeld()).isGreaterThan(RecordBuffer.RETAINED_BYTES);
        assertThat(writer.writeBatch(queue.poll(), queue, 1)).hasSize(1);
        assertThat(writer.bufferBytesHeld()).isLessThanOrEqualTo(RecordBuffer.RETAINED_BYTES);
        while (!queue.isEmpty()) {
            writer.writeBatch(queue.poll(), queue, RecordWriter.BATCH_BYTES);
        }
        writer.write(new Frame.KeepAlive());
        assertThat(writer.bufferBytesHeld()).isLessThanOrEqualTo(RecordBuffer.RETAINED_BYTES);

        RecordReader reader = new RecordReader(new java.io.ByteArrayInputStream(wire.toByteArray()),
                new CipherState(KEY.clone()), LIMITS);
        int read = 0;
        while (reader.read() != null) {
            read++;
        }
        assertThat(read).as("2 maximal messages, 2,000 small ones, 2 keep-alives").isEqualTo(2 + 2_000 + 2);
    }

    /**
     * Like a socket: {@code available()} is what has arrived of the current chunk; a read past it
     * "blocks" until the next chunk arrives (here: takes it at once), and -1 after the last.
     */
    private static final class Arrivals extends InputStream {
        private final Queue<byte[]> chunks = new ArrayDeque<>();
        private byte[] chunk = new byte[0];
        private int pos;

        void arrive(byte[] bytes) {
            chunks.add(bytes);
        }

        @Override
        public int available() {
            return chunk.length - pos;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == chunk.length) {
                if (chunks.isEmpty()) {
                    return -1;
                }
                chunk = chunks.poll();
                pos = 0;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
