package io.peerlink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.crypto.CipherState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RecordWriter} and {@link RecordReader} over one direction's key: key updates with a tiny
 * interval, and every way a record stream can be tampered with.
 */
class RecordLayerTest {

    private static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 0x42);
    }

    /** A fresh cipher state on the shared test key (each side gets its own copy). */
    private static CipherState cipher() {
        return new CipherState(KEY.clone());
    }

    private static Limits updateEvery(long frames) {
        return new Limits(Limits.DEFAULT_MAX_FRAME_LENGTH, Limits.DEFAULT_MAX_MESSAGE_BYTES, frames);
    }

    private static Frame.Message message(int i) {
        return new Frame.Message(new UUID(0, i), i, "message " + i);
    }

    private static byte[] write(Limits limits, Frame... frames) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        RecordWriter writer = new RecordWriter(wire, cipher(), limits);
        for (Frame f : frames) {
            writer.write(f);
        }
        return wire.toByteArray();
    }

    private static List<RawFrame> split(byte[] wire) throws Exception {
        List<RawFrame> frames = new ArrayList<>();
        InputStream in = new ByteArrayInputStream(wire);
        RawFrame f;
        while ((f = RawFrame.read(in, Integer.MAX_VALUE)) != null) {
            frames.add(f);
        }
        return frames;
    }

    private static byte[] join(List<RawFrame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(f -> out.writeBytes(f.bytes()));
        return out.toByteArray();
    }

    private static RecordReader reader(byte[] wire, Limits limits) {
        return new RecordReader(new ByteArrayInputStream(wire), cipher(), limits);
    }

    // ------------------------------------------------------------------ key update

    @ParameterizedTest(name = "key update after {0} frames")
    @ValueSource(longs = {1, 2, 3})
    void trafficFlowsAcrossKeyUpdatesWithATinyInterval(long interval) throws Exception {
        Limits limits = updateEvery(interval);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        RecordWriter writer = new RecordWriter(wire, cipher(), limits);
        int n = 10;
        for (int i = 0; i < n; i++) {
            writer.write(message(i));
        }
        long keyUpdates = (n - 1) / interval;
        assertThat(writer.recordsSent()).isEqualTo(n + keyUpdates);
        assertThat(split(wire.toByteArray())).hasSize((int) (n + keyUpdates));

        RecordReader reader = reader(wire.toByteArray(), limits);
        for (int i = 0; i < n; i++) {
            assertThat(reader.read()).isEqualTo(message(i)); // KEY_UPDATE records are consumed, not returned
        }
        assertThat(reader.read()).isNull();
        assertThat(reader.recordsReceived()).isEqualTo(n + keyUpdates);
    }

    @Test
    void recordsAfterAKeyUpdateAreUnderANewKey() throws Exception {
        // interval 1: message 0 | KEY_UPDATE | message 1 under the next key
        List<RawFrame> records = split(write(updateEvery(1), message(0), message(1)));
        assertThat(records).hasSize(3);
        // a receiver that misses the KEY_UPDATE cannot open what follows, even at the right counter
        CipherState stale = cipher();
        stale.decrypt(records.get(0).header(), records.get(0).body());
        stale.decrypt(records.get(1).header(), records.get(1).body());
        assertThatThrownBy(() -> stale.decrypt(records.get(2).header(), records.get(2).body()))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void refusesStreamWithTheKeyUpdateDropped() throws Exception {
        List<RawFrame> records = split(write(updateEvery(1), message(0), message(1)));
        RecordReader reader = reader(join(List.of(records.get(0), records.get(2))), updateEvery(1));
        assertThat(reader.read()).isEqualTo(message(0));
        assertThatThrownBy(reader::read).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.DECRYPT_FAILED));
    }

    @Test
    void writerRefusesKeyUpdateFromTheCallerAndAnythingAfterClose() throws Exception {
        RecordWriter writer = new RecordWriter(new ByteArrayOutputStream(), cipher(), Limits.DEFAULTS);
        assertThatThrownBy(() -> writer.write(new Frame.KeyUpdate())).isInstanceOf(IllegalArgumentException.class);
        writer.write(new Frame.Close(CloseCode.NORMAL));
        assertThatThrownBy(() -> writer.write(message(1))).isInstanceOf(IllegalStateException.class);
    }

    // ------------------------------------------------------------------ batching and buffers

    /** Frames of every kind and of very different sizes, ending with CLOSE. */
    private static List<Frame> mixedFrames() {
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            frames.add(switch (i % 5) {
                case 0 -> new Frame.Message(new UUID(i, -i), i, "x".repeat(i * 97 % 5000));
                case 1 -> new Frame.Ack(new UUID(-i, i));
                case 2 -> new Frame.KeepAlive();
                case 3 -> new Frame.Message(new UUID(i, i), -i, "grüße ✓ " + "ü".repeat(i)); // not ASCII
                default -> message(i);
            });
        }
        frames.add(new Frame.Close(CloseCode.GOING_AWAY));
        return frames;
    }

    /** Counts the calls that reach the stream. */
    private static final class CountingStream extends ByteArrayOutputStream {
        int writes;
        int flushes;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes++;
            super.write(b, off, len);
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    @ParameterizedTest(name = "key update after {0} frames")
    @ValueSource(longs = {1, 3, 1L << 20})
    void batchedWritesPutTheSameBytesOnTheWireAsOneWritePerFrame(long interval) throws Exception {
        Limits limits = updateEvery(interval);
        List<Frame> frames = mixedFrames();
        byte[] oneByOne = write(limits, frames.toArray(Frame[]::new));

        CountingStream batched = new CountingStream();
        RecordWriter writer = new RecordWriter(batched, cipher(), limits);
        java.util.ArrayDeque<Frame> queue = new java.util.ArrayDeque<>(frames.subList(1, frames.size()));
        List<Frame> written = new ArrayList<>();
        Frame first = frames.getFirst();
        while (first != null) {
            written.addAll(writer.writeBatch(first, queue, 4096));
            first = queue.poll();
        }
        assertThat(written).isEqualTo(frames);
        assertThat(batched.toByteArray()).isEqualTo(oneByOne);
        assertThat(batched.writes).as("one write per batch").isEqualTo(batched.flushes).isLessThan(frames.size() / 2);

        // and the reader takes the stream back frame by frame
        RecordReader reader = reader(batched.toByteArray(), limits);
        for (Frame f : frames) {
            assertThat(reader.read()).isEqualTo(f);
        }
    }

    @Test
    void aBatchTakesWhatIsQueuedUpToTheByteBoundAndStopsAfterClose() throws Exception {
        CountingStream wire = new CountingStream();
        RecordWriter writer = new RecordWriter(wire, cipher(), Limits.DEFAULTS);
        java.util.ArrayDeque<Frame> queue = new java.util.ArrayDeque<>();
        for (int i = 1; i < 10; i++) {
            queue.add(new Frame.Message(new UUID(0, i), i, "y".repeat(1000)));
        }
        // 55 bytes for message 0, then 5 + 1 + 24 + 1000 + 16 = 1046 each: the third of those reaches 3000
        List<Frame> first = writer.writeBatch(message(0), queue, 3000);
        assertThat(first).hasSize(4).first().isEqualTo(message(0));
        assertThat(queue).hasSize(6);
        assertThat(wire.writes).isEqualTo(1);
        assertThat(wire.flushes).isEqualTo(1);
        assertThat(writer.pendingBytes()).isZero();

        queue.clear();
        queue.add(message(5));
        queue.add(new Frame.Close(CloseCode.NORMAL));
        queue.add(message(6));
        assertThat(writer.writeBatch(message(4), queue, RecordWriter.BATCH_BYTES))
                .containsExactly(message(4), message(5), new Frame.Close(CloseCode.NORMAL));
        assertThat(queue).containsExactly(message(6));
        assertThat(wire.writes).isEqualTo(2);
        assertThatThrownBy(() -> writer.append(message(6))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void appendWritesNothingUntilFlush() throws Exception {
        CountingStream wire = new CountingStream();
        RecordWriter writer = new RecordWriter(wire, cipher(), Limits.DEFAULTS);
        writer.append(message(0));
        writer.append(message(1));
        assertThat(wire.size()).isZero();
        assertThat(writer.pendingBytes()).isEqualTo(2 * (5 + 1 + 24 + "message 0".length() + 16));
        writer.flush();
        assertThat(wire.toByteArray()).isEqualTo(write(Limits.DEFAULTS, message(0), message(1)));
    }

    @Test
    void readerReusesItsBufferAcrossRecordsOfEverySize() throws Exception {
        // small, then larger than any buffer so far, then small again, then the largest message allowed
        List<Frame> frames = new ArrayList<>();
        for (int length : new int[] {0, 10, 600, 3, 70_000, 1, 65_536, 2}) {
            String text = "z".repeat(Math.min(length, Limits.DEFAULT_MAX_MESSAGE_BYTES));
            frames.add(new Frame.Message(new UUID(length, 1), length, text));
        }
        RecordReader reader = reader(write(Limits.DEFAULTS, frames.toArray(Frame[]::new)), Limits.DEFAULTS);
        for (Frame f : frames) {
            assertThat(reader.read()).isEqualTo(f);
        }
        assertThat(reader.read()).isNull();
    }

    // ------------------------------------------------------------------ tampering

    @Test
    void refusesFlippedBitAnywhereInARecord() throws Exception {
        byte[] record = write(Limits.DEFAULTS, message(7));
        for (int i = 0; i < record.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] tampered = record.clone();
                tampered[i] ^= (byte) (1 << bit);
                RecordReader reader = reader(tampered, Limits.DEFAULTS);
                int index = i;
                assertThatThrownBy(reader::read).as("bit %d of byte %d", bit, index)
                        .isInstanceOf(ProtocolException.class);
            }
        }
    }

    @Test
    void refusesFlippedBitInBodyAsDecryptFailed() throws Exception {
        byte[] record = write(Limits.DEFAULTS, message(7));
        for (int i = WireConstants.HEADER_LENGTH; i < record.length; i++) {
            byte[] tampered = record.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(reader(tampered, Limits.DEFAULTS)::read)
                    .isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.DECRYPT_FAILED))
                    .hasMessageContaining("record 0 failed authentication");
        }
    }

    @Test
    void refusesReplayedRecord() throws Exception {
        List<RawFrame> r = split(write(Limits.DEFAULTS, message(0), message(1)));
        RecordReader reader = reader(join(List.of(r.get(0), r.get(0))), Limits.DEFAULTS);
        assertThat(reader.read()).isEqualTo(message(0));
        assertDecryptFailed(reader, 1);
    }

    @Test
    void refusesDroppedRecord() throws Exception {
        List<RawFrame> r = split(write(Limits.DEFAULTS, message(0), message(1), message(2)));
        RecordReader reader = reader(join(List.of(r.get(0), r.get(2))), Limits.DEFAULTS);
        assertThat(reader.read()).isEqualTo(message(0));
        assertDecryptFailed(reader, 1);
    }

    @Test
    void refusesReorderedRecords() throws Exception {
        List<RawFrame> r = split(write(Limits.DEFAULTS, message(0), message(1)));
        assertDecryptFailed(reader(join(List.of(r.get(1), r.get(0))), Limits.DEFAULTS), 0);
    }

    @Test
    void refusesFrameAfterClose() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        CipherState sender = cipher();
        new RecordWriter(wire, sender, Limits.DEFAULTS).write(new Frame.Close(CloseCode.GOING_AWAY));
        // an authentic record, next in order, that the writer would have refused to send
        byte[] plaintext = FrameCodec.encode(message(1));
        byte[] header = RawFrame.header(WireConstants.TYPE_RECORD, plaintext.length + WireConstants.TAG_LENGTH);
        wire.writeBytes(header);
        wire.writeBytes(sender.encrypt(header, plaintext));

        RecordReader reader = reader(wire.toByteArray(), Limits.DEFAULTS);
        assertThat(reader.read()).isEqualTo(new Frame.Close(CloseCode.GOING_AWAY));
        assertThatThrownBy(reader::read).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.FRAME_AFTER_CLOSE));
    }

    @Test
    void refusesNonRecordFrameType() throws Exception {
        byte[] wire = RawFrame.of(WireConstants.TYPE_CLIENT_FINISH, new byte[48]).bytes();
        assertThatThrownBy(reader(wire, Limits.DEFAULTS)::read)
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.UNEXPECTED_FRAME))
                .hasMessage("frame type 0x04 where a record (0x17) was expected");
    }

    @Test
    void refusesRecordShorterThanTypeAndTag() throws Exception {
        byte[] wire = RawFrame.of(WireConstants.TYPE_RECORD, new byte[WireConstants.TAG_LENGTH]).bytes();
        assertThatThrownBy(reader(wire, Limits.DEFAULTS)::read)
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.MALFORMED))
                .hasMessage("record body of 16 bytes is shorter than 17");
    }

    @Test
    void refusesRecordLongerThanTheFrameLimitBeforeReadingIt() throws Exception {
        Limits small = new Limits(1024, 512, Limits.DEFAULT_KEY_UPDATE_AFTER_FRAMES);
        byte[] wire = RawFrame.header(WireConstants.TYPE_RECORD, 1025); // no body at all
        assertThatThrownBy(reader(wire, small)::read)
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.FRAME_TOO_LARGE))
                .hasMessage("length prefix 1025 exceeds the limit of 1024 bytes");
    }

    @Test
    void refusesRecordCutShort() throws Exception {
        byte[] record = write(Limits.DEFAULTS, message(0));
        byte[] cut = Arrays.copyOf(record, record.length - 1);
        assertThatThrownBy(reader(cut, Limits.DEFAULTS)::read)
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.TRUNCATED));
    }

    @Test
    void returnsNullAtACleanEndBetweenRecords() throws Exception {
        RecordReader reader = reader(write(Limits.DEFAULTS, message(0)), Limits.DEFAULTS);
        assertThat(reader.read()).isEqualTo(message(0));
        assertThat(reader.read()).isNull();
    }

    private static void assertDecryptFailed(RecordReader reader, long counter) {
        assertThatThrownBy(reader::read)
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ProtocolException.Reason.DECRYPT_FAILED);
                    assertThat(e.reason().closeCode()).isEqualTo(CloseCode.DECRYPT_ERROR);
                })
                .hasMessage("record " + counter + " failed authentication (tampered, replayed, dropped or reordered)");
    }
}
