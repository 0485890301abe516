package io.peerlink.sealed;

import static io.peerlink.sealed.SealedException.Reason.MALFORMED;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Big-endian fields of the sealed formats: a reader that refuses short input, prefixes out of range
 * and bytes left over, each with the numbers; and a writer, its inverse.
 */
final class Fields {

    private Fields() {
    }

    /** Reads fields from one array; not thread-safe. */
    static final class Reader {

        private final ByteBuffer buffer;
        private final String what;

        Reader(byte[] bytes, String what) {
            this.buffer = ByteBuffer.wrap(bytes);
            this.what = what;
        }

        int u8(String field) throws SealedException {
            need(1, field);
            return buffer.get() & 0xFF;
        }

        int u16(String field) throws SealedException {
            need(2, field);
            return buffer.getShort() & 0xFFFF;
        }

        /** An unsigned 32-bit value, as a long. */
        long u32(String field) throws SealedException {
            need(4, field);
            return buffer.getInt() & 0xFFFF_FFFFL;
        }

        long int64(String field) throws SealedException {
            need(8, field);
            return buffer.getLong();
        }

        byte[] fixed(int length, String field) throws SealedException {
            need(length, field);
            byte[] out = new byte[length];
            buffer.get(out);
            return out;
        }

        /** A u16 length, checked against [min, max] before anything is read, then that many bytes. */
        byte[] lengthPrefixed(int min, int max, String field) throws SealedException {
            int length = u16(field + " length");
            if (length < min || length > max) {
                throw new SealedException(MALFORMED, what + ": " + field + " length " + length + " outside "
                        + min + ".." + max);
            }
            return fixed(length, field);
        }

        /** Everything left, at least {@code min} bytes. */
        byte[] rest(int min, String field) throws SealedException {
            need(min, field);
            return fixed(buffer.remaining(), field);
        }

        int position() {
            return buffer.position();
        }

        void end() throws SealedException {
            if (buffer.hasRemaining()) {
                throw new SealedException(MALFORMED, what + ": " + buffer.remaining() + " trailing bytes");
            }
        }

        private void need(int n, String field) throws SealedException {
            if (buffer.remaining() < n) {
                throw new SealedException(MALFORMED, what + " truncated: " + field + " needs " + n + " bytes, "
                        + buffer.remaining() + " left");
            }
        }
    }

    /** Builds a byte layout; refuses only what the format cannot express. */
    static final class Writer {

        private final ByteArrayOutputStream out;

        Writer(int expectedSize) {
            this.out = new ByteArrayOutputStream(expectedSize);
        }

        Writer u8(int v) {
            out.write(v);
            return this;
        }

        Writer u16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Writer u32(long v) {
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException(v + " does not fit in a u32");
            }
            for (int shift = 24; shift >= 0; shift -= 8) {
                out.write((int) (v >>> shift));
            }
            return this;
        }

        Writer int64(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (v >>> shift));
            }
            return this;
        }

        Writer raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Writer lengthPrefixed(byte[] bytes, String field) {
            if (bytes.length > 0xFFFF) {
                throw new IllegalArgumentException(field + ": " + bytes.length + " bytes do not fit in a u16 length");
            }
            return u16(bytes.length).raw(bytes);
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
