package io.peerlink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The outer framing: {@code u32 length | u8 type | body}, with the length checked before the body. */
class RawFrameTest {

    @Test
    void roundTripsAFrame() throws Exception {
        RawFrame frame = RawFrame.of(WireConstants.TYPE_RECORD, new byte[] {1, 2, 3});
        assertThat(frame.bytes()).containsExactly(0, 0, 0, 3, 0x17, 1, 2, 3);
        RawFrame read = RawFrame.read(new ByteArrayInputStream(frame.bytes()), 3);
        assertThat(read.type()).isEqualTo(WireConstants.TYPE_RECORD);
        assertThat(read.header()).isEqualTo(frame.header());
        assertThat(read.body()).containsExactly(1, 2, 3);
    }

    @Test
    void readsAnEmptyBody() throws Exception {
        RawFrame read = RawFrame.read(new ByteArrayInputStream(RawFrame.header((byte) 0x03, 0)), 16);
        assertThat(read.body()).isEmpty();
    }

    @Test
    void returnsNullOnEndOfStreamAtAFrameBoundary() throws Exception {
        assertThat(RawFrame.read(new ByteArrayInputStream(new byte[0]), 16)).isNull();
        byte[] two = concat(RawFrame.of((byte) 1, new byte[] {9}).bytes(), RawFrame.of((byte) 2, new byte[0]).bytes());
        InputStream in = new ByteArrayInputStream(two);
        assertThat(RawFrame.read(in, 16).type()).isEqualTo((byte) 1);
        assertThat(RawFrame.read(in, 16).type()).isEqualTo((byte) 2);
        assertThat(RawFrame.read(in, 16)).isNull();
    }

    @ParameterizedTest(name = "{0} header bytes")
    @ValueSource(ints = {1, 2, 3, 4})
    void refusesEndOfStreamInsideTheHeader(int headerBytes) {
        byte[] cut = Arrays.copyOf(RawFrame.header((byte) 2, 10), headerBytes);
        assertThatThrownBy(() -> RawFrame.read(new ByteArrayInputStream(cut), 16))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.TRUNCATED))
                .hasMessage("stream ended after " + (headerBytes - 1) + " of 4 bytes of the frame header");
    }

    @Test
    void refusesEndOfStreamInsideTheBody() {
        byte[] cut = Arrays.copyOf(RawFrame.of((byte) 2, new byte[10]).bytes(), WireConstants.HEADER_LENGTH + 7);
        assertThatThrownBy(() -> RawFrame.read(new ByteArrayInputStream(cut), 16))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.TRUNCATED))
                .hasMessage("stream ended after 7 of 10 bytes of the frame body of 10 bytes");
    }

    @Test
    void treatsEofExceptionInsideTheBodyAsTruncated() {
        // some streams signal the end with EOFException rather than -1
        byte[] cut = Arrays.copyOf(RawFrame.of((byte) 2, new byte[10]).bytes(), WireConstants.HEADER_LENGTH + 4);
        InputStream throwing = new FilterInputStream(new ByteArrayInputStream(cut)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    throw new EOFException();
                }
                return n;
            }
        };
        assertThatThrownBy(() -> RawFrame.read(throwing, 16))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.TRUNCATED));
    }

    @Test
    void acceptsALengthOfExactlyTheLimit() throws Exception {
        RawFrame read = RawFrame.read(new ByteArrayInputStream(RawFrame.of((byte) 2, new byte[16]).bytes()), 16);
        assertThat(read.body()).hasSize(16);
    }

    @ParameterizedTest(name = "prefix {0}")
    @ValueSource(longs = {17, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL})
    void refusesTooLongPrefixBeforeReadingTheBodyAndCarriesTheNumbers(long prefix) {
        byte[] header = RawFrame.header((byte) 2, (int) prefix);
        CountingStream in = new CountingStream(concat(header, new byte[64]));
        assertThatThrownBy(() -> RawFrame.read(in, 16))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ProtocolException.Reason.FRAME_TOO_LARGE);
                    assertThat(e.reason().closeCode()).isEqualTo(CloseCode.TOO_LARGE);
                })
                .hasMessage("length prefix " + prefix + " exceeds the limit of 16 bytes");
        assertThat(in.consumed).as("bytes read: the header only").isEqualTo(WireConstants.HEADER_LENGTH);
    }

    /** Counts the bytes handed out, to prove what was not read. */
    private static final class CountingStream extends ByteArrayInputStream {
        int consumed;

        CountingStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read() {
            int b = super.read();
            if (b >= 0) {
                consumed++;
            }
            return b;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            if (n > 0) {
                consumed += n;
            }
            return n;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
