package io.peerlink.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz targets for the frame layer: {@link RawFrame#read} on any byte stream and {@link FrameCodec}
 * on any record plaintext. Regression inputs live in {@code FrameReaderFuzzTestInputs/<method>/};
 * {@code ./mvnw -Pfuzz verify} fuzzes each target (see the {@code fuzz} profile in pom.xml).
 */
// an input that takes 10 s is a hang: a finding while fuzzing (Jazzer passes it on as -timeout), a
// failure when replayed (in a thread of its own, so that a runaway input cannot stall the build)
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FrameReaderFuzzTest {

    /** The reasons a frame header or body may be refused for; anything else is a bug. */
    static final Set<ProtocolException.Reason> FRAMING_REASONS =
            EnumSet.of(ProtocolException.Reason.TRUNCATED, ProtocolException.Reason.FRAME_TOO_LARGE);

    /**
     * Input: {@code u16 maxLength | u8 chunk | stream}. Reads frames until the stream ends or one is
     * refused. Every frame read is exactly the bytes it consumed, within the limit; a too-long
     * length prefix is refused after its 5 header bytes, before any body byte is read or allocated;
     * a short stream is TRUNCATED; a clean end is only at a frame boundary.
     */
    @FuzzTest
    void rawFrames(byte[] input) throws IOException {
        if (input.length < 3) {
            return;
        }
        int maxLength = ((input[0] & 0xFF) << 8 | (input[1] & 0xFF)) * 4;
        int chunk = 1 + (input[2] & 0xFF) % 64;
        byte[] wire = Arrays.copyOfRange(input, 3, input.length);
        TricklingInput in = new TricklingInput(wire, chunk);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (true) {
            int start = in.position();
            RawFrame frame;
            try {
                frame = RawFrame.read(in, maxLength);
            } catch (ProtocolException e) {
                assertThat(e.reason()).isIn(FRAMING_REASONS);
                if (e.reason() == ProtocolException.Reason.FRAME_TOO_LARGE) {
                    assertThat(in.position() - start).as("bytes read of the refused frame")
                            .isEqualTo(WireConstants.HEADER_LENGTH);
                    assertThat(declaredLength(wire, start)).isGreaterThan(maxLength);
                } else {
                    assertThat(in.position()).as("a truncated frame was read to the end of the stream")
                            .isEqualTo(wire.length);
                    assertThat(wire.length - start).isPositive();
                }
                return;
            }
            if (frame == null) {
                assertThat(start).as("a clean end only at a frame boundary").isEqualTo(wire.length);
                assertThat(seen.toByteArray()).isEqualTo(wire);
                return;
            }
            assertThat(frame.header()).hasSize(WireConstants.HEADER_LENGTH);
            assertThat(frame.body().length).isLessThanOrEqualTo(maxLength)
                    .isEqualTo(declaredLength(frame.header(), 0));
            assertThat(frame.type()).isEqualTo(wire[start + WireConstants.LENGTH_FIELD_LENGTH]);
            seen.writeBytes(frame.bytes());
            assertThat(seen.toByteArray()).isEqualTo(Arrays.copyOf(wire, in.position()));
            // round trip: the frame rebuilt from its type and body is the same bytes
            assertThat(RawFrame.of(frame.type(), frame.body()).bytes()).isEqualTo(frame.bytes());
        }
    }

    /**
     * Input: a record's plaintext. {@link FrameCodec#decode} gives a frame or a MALFORMED or
     * MESSAGE_TOO_LARGE refusal; a decoded frame encodes back to the same bytes (a CLOSE with a code
     * this implementation does not know comes back as UNKNOWN, 0xFFFF), and decodes again to itself.
     */
    @FuzzTest
    void innerFrames(byte[] plaintext) throws ProtocolException {
        Limits limits = new Limits(4096, 1024, Limits.DEFAULT_KEY_UPDATE_AFTER_FRAMES);
        Frame frame;
        try {
            frame = FrameCodec.decode(plaintext, limits);
        } catch (ProtocolException e) {
            assertThat(e.reason()).isIn(ProtocolException.Reason.MALFORMED, ProtocolException.Reason.MESSAGE_TOO_LARGE);
            if (e.reason() == ProtocolException.Reason.MESSAGE_TOO_LARGE) {
                assertThat(plaintext.length - WireConstants.INNER_TYPE_LENGTH - WireConstants.MESSAGE_FIXED_LENGTH)
                        .isGreaterThan(limits.maxMessageBytes());
            }
            return;
        }
        byte[] encoded = FrameCodec.encode(frame);
        if (frame instanceof Frame.Close close && close.code() == CloseCode.UNKNOWN) {
            assertThat(encoded).isEqualTo(new byte[] {WireConstants.INNER_CLOSE, (byte) 0xFF, (byte) 0xFF});
        } else {
            assertThat(encoded).isEqualTo(plaintext);
        }
        assertThat(FrameCodec.decode(encoded, limits)).isEqualTo(frame);
        if (frame instanceof Frame.Message m) {
            assertThat(m.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(limits.maxMessageBytes());
        }
    }

    private static long declaredLength(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFFL) << 24 | (bytes[offset + 1] & 0xFF) << 16 | (bytes[offset + 2] & 0xFF) << 8
                | (bytes[offset + 3] & 0xFF);
    }

    /** A stream that hands out at most {@code chunk} bytes per read, as a slow peer would. */
    static final class TricklingInput extends InputStream {
        private final byte[] bytes;
        private final int chunk;
        private int position;

        TricklingInput(byte[] bytes, int chunk) {
            this.bytes = bytes;
            this.chunk = chunk;
        }

        int position() {
            return position;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (position == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), bytes.length - position);
            System.arraycopy(bytes, position, b, off, n);
            position += n;
            return n;
        }
    }
}
