package io.peerlink.transport;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A buffered input stream for a connection's socket that holds a large buffer only while the
 * connection is busy. An idle connection blocks in its read with a small buffer ({@value
 * #IDLE_BUFFER} bytes); when more than that is waiting at a refill, the refill uses a large buffer
 * sized to what is waiting (a power of two, at most {@code busyBuffer}). The large buffer is kept
 * until a refill finds little or nothing waiting and none has found more for {@value
 * #KEEP_BUSY_MILLIS} ms; then it goes and the read blocks on the small one again. So a thousand idle
 * connections hold {@value #IDLE_BUFFER} bytes each instead of a full buffer, while a busy one reads
 * as much per system call as a {@link java.io.BufferedInputStream} of {@code busyBuffer} would, and
 * does not allocate a new buffer for every burst. A refill costs one {@code available()} call more.
 *
 * <p>Not thread-safe: a connection's reads come from one thread at a time (its handshake's, then
 * its receive loop's).
 */
final class ElasticInputStream extends InputStream {

    /** The buffer an idle connection holds. */
    static final int IDLE_BUFFER = 2 * 1024;
    /** How long after its last burst a connection keeps its large buffer. */
    static final long KEEP_BUSY_MILLIS = 1_000;

    private final InputStream in;
    private final int busyBuffer;
    private final LongSupplier nanoTime;
    private byte[] idle;
    private byte[] busy;
    private long lastBusy;
    private byte[] buf;
    private int pos;
    private int count;

    ElasticInputStream(InputStream in, int busyBuffer) {
        this(in, busyBuffer, System::nanoTime);
    }

    ElasticInputStream(InputStream in, int busyBuffer, LongSupplier nanoTime) {
        if (busyBuffer < IDLE_BUFFER) {
            throw new IllegalArgumentException("busy buffer " + busyBuffer + " is smaller than " + IDLE_BUFFER);
        }
        this.in = in;
        this.busyBuffer = busyBuffer;
        this.nanoTime = nanoTime;
    }

    @Override
    public int read() throws IOException {
        if (pos >= count && fill() < 0) {
            return -1;
        }
        return buf[pos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (pos >= count) {
            if (len >= busyBuffer) {
                // as BufferedInputStream does: a large read goes straight into the caller's array
                return in.read(b, off, len);
            }
            if (fill() < 0) {
                return -1;
            }
        }
        int n = Math.min(len, count - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return (count - pos) + in.available();
    }

    @Override
    public void close() throws IOException {
        buf = null;
        idle = null;
        busy = null;
        pos = 0;
        count = 0;
        in.close();
    }

    /** Bytes of buffer held now (tests). */
    int bufferCapacity() {
        return buf == null ? 0 : buf.length;
    }

    /** Refills the drained buffer; blocks when nothing is waiting. Returns the bytes read, or -1 at the end. */
    private int fill() throws IOException {
        int waiting = in.available();
        long now = nanoTime.getAsLong();
        if (waiting > IDLE_BUFFER) {
            lastBusy = now;
            int wanted = Math.min(busyBuffer, Integer.highestOneBit(waiting - 1) << 1);
            if (busy == null || busy.length < wanted) {
                busy = new byte[wanted];
            }
            buf = busy;
        } else if (busy != null && now - lastBusy < TimeUnit.MILLISECONDS.toNanos(KEEP_BUSY_MILLIS)) {
            buf = busy; // busy a moment ago: the next burst is likely near
        } else {
            // quiet: block (or read the little waiting) on the small buffer, let the large one go
            busy = null;
            if (idle == null) {
                idle = new byte[IDLE_BUFFER];
            }
            buf = idle;
        }
        pos = 0;
        count = 0;
        int n;
        do {
            n = in.read(buf, 0, buf.length); // a blocking stream returns 0 only for len 0: not here
        } while (n == 0);
        if (n > 0) {
            count = n;
        }
        return n;
    }
}
