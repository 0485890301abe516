package io.peerlink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.peerlink.crypto.CipherState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz targets for the record layer's decrypt-and-decode ({@link RecordReader}): records sealed
 * under a known key (frames from {@link RecordWriter}, and arbitrary plaintexts) and then mutated,
 * and arbitrary bytes read under that key. The reader must never hand out a frame that was not
 * sealed at that position, and refuses everything else with a {@link ProtocolException}.
 */
// an input that takes 10 s is a hang: a finding while fuzzing (Jazzer passes it on as -timeout), a
// failure when replayed (in a thread of its own, so that a runaway input cannot stall the build)
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RecordLayerFuzzTest {

    private static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 0x5a);
    }

    /** Everything a tampered, truncated, reordered or forged record stream may be refused for. */
    static final Set<ProtocolException.Reason> STREAM_REASONS = EnumSet.of(ProtocolException.Reason.DECRYPT_FAILED,
            ProtocolException.Reason.TRUNCATED, ProtocolException.Reason.FRAME_TOO_LARGE,
            ProtocolException.Reason.MALFORMED, ProtocolException.Reason.MESSAGE_TOO_LARGE,
            ProtocolException.Reason.UNEXPECTED_FRAME, ProtocolException.Reason.FRAME_AFTER_CLOSE);

    /**
     * Seals up to 16 records (frames through the writer with a small key-update interval, or raw
     * plaintexts), applies up to two record-level mutations (drop, duplicate, swap) and up to two
     * byte-level ones (flip, truncate, insert), and reads the stream back. Up to the first changed record the reader's answers are exactly those
     * of a model of the protocol (section 7): frames in order, KEY_UPDATE consumed, the documented
     * refusal for a bad plaintext, FRAME_AFTER_CLOSE after CLOSE. From the first changed record on,
     * it hands out nothing more: a refusal, or a clean end where the stream was cut at a boundary.
     */
    @FuzzTest
    void sealedThenMutated(FuzzedDataProvider data) throws IOException {
        int maxMessageBytes = data.consumeInt(1, 512);
        int maxFrameLength = data.consumeInt(maxMessageBytes + WireConstants.MESSAGE_FIXED_LENGTH
                + WireConstants.MIN_RECORD_LENGTH, 1024);
        Limits limits = new Limits(maxFrameLength, maxMessageBytes, data.consumeInt(1, 4));

        // seal
        CipherState send = new CipherState(KEY.clone());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordWriter writer = new RecordWriter(out, send, limits);
        List<byte[]> records = new ArrayList<>();
        List<byte[]> plaintexts = new ArrayList<>();
        boolean writerClosed = false;
        int count = data.consumeInt(0, 16);
        for (int i = 0; i < count; i++) {
            int before = out.size();
            if (!writerClosed && data.consumeBoolean()) {
                Frame frame = frame(data);
                writer.write(frame);
                writerClosed = frame instanceof Frame.Close;
            } else {
                sealRaw(out, send, data.consumeBytes(maxFrameLength));
            }
            // the writer may have put a KEY_UPDATE before the frame: split what this step wrote
            for (RawFrame r : split(Arrays.copyOfRange(out.toByteArray(), before, out.size()))) {
                records.add(r.bytes());
            }
        }
        CipherState replay = new CipherState(KEY.clone());
        for (byte[] r : records) {
            plaintexts.add(openForModel(replay, r));
        }
        byte[] original = out.toByteArray();

        // mutate: record-level first (drop, duplicate, swap), then byte-level (flip, truncate, insert)
        List<byte[]> reordered = new ArrayList<>(records);
        int recordMutations = records.isEmpty() ? 0 : data.consumeInt(0, 2);
        for (int m = 0; m < recordMutations && !reordered.isEmpty(); m++) {
            int i = data.consumeInt(0, reordered.size() - 1);
            int j = data.consumeInt(0, reordered.size() - 1);
            switch (data.consumeInt(0, 2)) {
                case 0 -> reordered.remove(i);
                case 1 -> reordered.add(j, reordered.get(i));
                default -> {
                    byte[] t = reordered.get(i);
                    reordered.set(i, reordered.get(j));
                    reordered.set(j, t);
                }
            }
        }
        byte[] mutated = join(reordered);
        int byteMutations = data.consumeInt(0, 2);
        for (int m = 0; m < byteMutations; m++) {
            int at = data.consumeInt(0, mutated.length);
            switch (data.consumeInt(0, 2)) {
                case 0 -> {
                    if (at < mutated.length) {
                        mutated = mutated.clone();
                        mutated[at] ^= (byte) data.consumeInt(1, 255);
                    }
                }
                case 1 -> mutated = Arrays.copyOf(mutated, at);
                default -> {
                    byte[] insert = data.consumeBytes(32);
                    byte[] longer = new byte[mutated.length + insert.length];
                    System.arraycopy(mutated, 0, longer, 0, at);
                    System.arraycopy(insert, 0, longer, at, insert.length);
                    System.arraycopy(mutated, at, longer, at + insert.length, mutated.length - at);
                    mutated = longer;
                }
            }
        }

        // the model: what an honest reader answers for the records still unchanged and in place
        int unchanged = unchangedRecords(original, records, mutated);
        List<Object> expected = model(plaintexts.subList(0, unchanged), limits);
        boolean modelEnded = !expected.isEmpty() && expected.getLast() instanceof ProtocolException.Reason;
        boolean cutAtBoundary = mutated.length == boundary(records, unchanged);

        // read
        RecordReader reader = new RecordReader(new ByteArrayInputStream(mutated), new CipherState(KEY.clone()), limits);
        List<Object> actual = new ArrayList<>();
        while (true) {
            Frame frame;
            try {
                frame = reader.read();
            } catch (ProtocolException e) {
                assertThat(e.reason()).isIn(STREAM_REASONS);
                actual.add(e.reason());
                break;
            }
            if (frame == null) {
                actual.add(null);
                break;
            }
            actual.add(frame);
        }
        if (modelEnded) {
            assertThat(actual).isEqualTo(expected);
        } else if (cutAtBoundary) {
            // unchanged records, then the stream ends where a record ended: a clean end
            List<Object> withEnd = new ArrayList<>(expected);
            withEnd.add(null);
            assertThat(actual).isEqualTo(withEnd);
        } else {
            assertThat(actual.subList(0, actual.size() - 1)).as("frames handed out from a changed stream")
                    .isEqualTo(expected);
            assertThat(actual.getLast()).as("how the first changed record was refused").isInstanceOf(ProtocolException.Reason.class);
        }
    }

    /**
     * Arbitrary bytes read under the key with the default limits: no frame is ever handed out (that
     * would be a forgery); anything but an empty stream is refused with a reason.
     */
    @FuzzTest
    void arbitraryBytes(byte[] wire) throws IOException {
        RecordReader reader = new RecordReader(new ByteArrayInputStream(wire), new CipherState(KEY.clone()),
                Limits.DEFAULTS);
        try {
            Frame frame = reader.read();
            assertThat(wire).as("only an empty stream ends cleanly without a frame").isEmpty();
            assertThat(frame).isNull();
        } catch (ProtocolException e) {
            assertThat(e.reason()).isIn(STREAM_REASONS);
            assertThat(reader.recordsReceived()).isZero();
        }
    }

    // ------------------------------------------------------------------ model

    /**
     * The answers of RecordReader per docs/PROTOCOL.md section 7 for records sealed in order: a
     * frame, nothing for KEY_UPDATE, or a refusal reason that ends the stream.
     */
    private static List<Object> model(List<byte[]> plaintexts, Limits limits) {
        List<Object> answers = new ArrayList<>();
        boolean closed = false;
        for (byte[] p : plaintexts) {
            if (p.length + WireConstants.TAG_LENGTH > limits.maxFrameLength()) {
                answers.add(ProtocolException.Reason.FRAME_TOO_LARGE);
                return answers;
            }
            if (closed) {
                answers.add(ProtocolException.Reason.FRAME_AFTER_CLOSE);
                return answers;
            }
            if (p.length == 0) {
                answers.add(ProtocolException.Reason.MALFORMED); // shorter than type byte + tag
                return answers;
            }
            Frame f;
            try {
                f = FrameCodec.decode(p, limits);
            } catch (ProtocolException e) {
                answers.add(e.reason());
                return answers;
            }
            if (f instanceof Frame.KeyUpdate) {
                continue;
            }
            closed = f instanceof Frame.Close;
            answers.add(f);
        }
        return answers;
    }

    private static Frame frame(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> new Frame.Message(new UUID(data.consumeLong(), data.consumeLong()), data.consumeLong(),
                    wellFormed(data.consumeString(600)));
            case 1 -> new Frame.Ack(new UUID(data.consumeLong(), data.consumeLong()));
            case 2 -> new Frame.KeepAlive();
            default -> new Frame.Close(data.pickValue(CloseCode.values()));
        };
    }

    /** Drops unpaired surrogates: the codec writes text as UTF-8, which cannot carry them. */
    private static String wellFormed(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
                .forEach(b::appendCodePoint);
        return b.toString();
    }

    /** Seals a raw plaintext as the next record; a plaintext that is KEY_UPDATE moves the key on. */
    private static void sealRaw(ByteArrayOutputStream out, CipherState send, byte[] plaintext) {
        byte[] header = RawFrame.header(WireConstants.TYPE_RECORD, plaintext.length + WireConstants.TAG_LENGTH);
        try {
            out.writeBytes(header);
            out.writeBytes(send.encrypt(header, plaintext));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        if (plaintext.length == 1 && plaintext[0] == WireConstants.INNER_KEY_UPDATE) {
            send.rekey();
        }
    }

    /** The plaintext of a record as the sender sealed it, following the sender's key updates. */
    private static byte[] openForModel(CipherState cipher, byte[] record) {
        try {
            byte[] p = cipher.decrypt(Arrays.copyOf(record, WireConstants.HEADER_LENGTH),
                    Arrays.copyOfRange(record, WireConstants.HEADER_LENGTH, record.length));
            if (p.length == 1 && p[0] == WireConstants.INNER_KEY_UPDATE) {
                cipher.rekey();
            }
            return p;
        } catch (GeneralSecurityException e) {
            return fail("a record sealed by the test does not open: " + e);
        }
    }

    /** How many of the original records are still there, unchanged and in place, at the start. */
    private static int unchangedRecords(byte[] original, List<byte[]> records, byte[] mutated) {
        int common = 0;
        int limit = Math.min(original.length, mutated.length);
        while (common < limit && original[common] == mutated[common]) {
            common++;
        }
        int n = 0;
        while (n < records.size() && boundary(records, n + 1) <= common) {
            n++;
        }
        return n;
    }

    private static int boundary(List<byte[]> records, int n) {
        int end = 0;
        for (int i = 0; i < n; i++) {
            end += records.get(i).length;
        }
        return end;
    }

    private static List<RawFrame> split(byte[] wire) {
        List<RawFrame> frames = new ArrayList<>();
        ByteArrayInputStream in = new ByteArrayInputStream(wire);
        try {
            RawFrame f;
            while ((f = RawFrame.read(in, Integer.MAX_VALUE - 8)) != null) {
                frames.add(f);
            }
        } catch (IOException | ProtocolException e) {
            throw new IllegalStateException(e);
        }
        return frames;
    }

    private static byte[] join(List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        records.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
