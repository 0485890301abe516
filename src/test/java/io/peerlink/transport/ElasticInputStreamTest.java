package io.peerlink.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ElasticInputStreamTest {

    private static final int BUSY = 64 * 1024;

    @Test
    void readsEveryByteInOrderWhateverTheReadSizes() throws IOException {
        byte[] data = new byte[300_000];
        Random random = new Random(12);
        random.nextBytes(data);
        // a socket-like source: each read returns at most what "arrived", in pieces of random size
        InputStream source = new Trickle(data, random);
        ElasticInputStream in = new ElasticInputStream(source, BUSY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int choice = random.nextInt(4);
            if (choice == 0) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                out.write(b);
            } else {
                byte[] chunk = new byte[choice == 3 ? BUSY + random.nextInt(1000) : 1 + random.nextInt(6000)];
                int n = in.read(chunk, 0, chunk.length);
                if (n < 0) {
                    break;
                }
                out.write(chunk, 0, n);
            }
        }
        assertThat(out.toByteArray()).isEqualTo(data);
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void keepsTheLargeBufferOnlyWhileTheConnectionIsBusy() throws IOException {
        Trickle source = new Trickle(new byte[400_000], new Random(1));
        long[] now = {0};
        ElasticInputStream in = new ElasticInputStream(source, BUSY, () -> now[0]);
        source.burst = 100_000;
        in.read();
        assertThat(in.bufferCapacity()).as("a burst is read with the largest buffer").isEqualTo(BUSY);

        drain(in, source);
        source.burst = 0; // nothing more has arrived: the next refill would block
        now[0] += TimeUnit.MILLISECONDS.toNanos(ElasticInputStream.KEEP_BUSY_MILLIS - 1);
        in.read();
        assertThat(in.bufferCapacity()).as("busy a moment ago: kept").isEqualTo(BUSY);

        drain(in, source);
        now[0] += TimeUnit.MILLISECONDS.toNanos(2);
        in.read();
        assertThat(in.bufferCapacity()).as("quiet for longer: only the small buffer")
                .isEqualTo(ElasticInputStream.IDLE_BUFFER);

        drain(in, source);
        source.burst = 5_000;
        in.read();
        assertThat(in.bufferCapacity()).as("sized to what waits").isEqualTo(8 * 1024);
    }

    /** Reads what the stream holds in its buffer, so that the next read refills. */
    private static void drain(ElasticInputStream in, Trickle source) throws IOException {
        int buffered = in.available() - source.available();
        assertThat(in.readNBytes(buffered)).hasSize(buffered);
    }

    @Test
    void endOfStreamAndCloseAreThoseOfTheSource() throws IOException {
        ElasticInputStream in = new ElasticInputStream(new ByteArrayInputStream(new byte[] {7}), BUSY);
        assertThat(in.read()).isEqualTo(7);
        assertThat(in.read(new byte[10], 0, 10)).isEqualTo(-1);
        assertThat(in.read(new byte[BUSY], 0, BUSY)).isEqualTo(-1);
        assertThat(in.read(new byte[0], 0, 0)).isZero();
        in.close();
        assertThat(in.bufferCapacity()).isZero();
        assertThatThrownBy(() -> new ElasticInputStream(InputStream.nullInputStream(), 1000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Hands out {@code data} like a socket: {@code available()} is what has "arrived" ({@code burst},
     * or a random amount), and a read returns at most that, but at least one byte (it would block).
     */
    private static final class Trickle extends InputStream {
        private final byte[] data;
        private final Random random;
        private int pos;
        int burst = -1;
        private int arrived;

        Trickle(byte[] data, Random random) {
            this.data = data;
            this.random = random;
        }

        int waiting() {
            return arrived;
        }

        @Override
        public int available() {
            if (burst >= 0) {
                arrived = Math.min(burst, data.length - pos);
            } else if (arrived == 0) {
                arrived = Math.min(random.nextInt(3) == 0 ? 0 : random.nextInt(100_000), data.length - pos);
            }
            return arrived;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(len, Math.max(1, Math.min(arrived, data.length - pos)));
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            arrived = Math.max(0, arrived - n);
            if (burst >= 0) {
                burst = Math.max(0, burst - n);
            }
            return n;
        }
    }
}
