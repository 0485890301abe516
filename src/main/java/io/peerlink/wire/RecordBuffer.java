package io.peerlink.wire;

/**
 * One direction's record buffer with a bounded footprint. A buffer of up to {@value #RETAINED_BYTES}
 * bytes is kept for the life of the connection; a record (or batch) larger than that gets a large
 * buffer, which stays while large records keep coming and goes with {@link #release} as soon as a
 * record (or batch) that fits the kept buffer has been handled. A connection that went quiet still
 * handles a small record every keep-alive interval (each side sends one), so after its last large
 * record a connection holds at most {@value #RETAINED_BYTES} bytes per direction again within one
 * interval, while a stream of large records reuses one large buffer instead of allocating one per
 * record (letting it go before every blocking read looked 10-25 % slower at 64 KiB, noisy runs).
 *
 * <p>Not thread-safe: it belongs to one reader or one writer.
 */
final class RecordBuffer {

    /** The most a connection keeps per direction while idle (a tuning knob, not a wire constant). */
    static final int RETAINED_BYTES = 16 * 1024;

    private byte[] retained;
    private byte[] current;

    RecordBuffer(int initial) {
        retained = new byte[Math.min(initial, RETAINED_BYTES)];
        current = retained;
    }

    /** The buffer to work in now. */
    byte[] array() {
        return current;
    }

    /**
     * Makes {@link #array} at least {@code needed} bytes long, keeping its first {@code keep} bytes;
     * it grows by doubling, to {@code cap} at most unless {@code needed} is more.
     */
    byte[] ensure(int needed, int keep, int cap) {
        if (current.length >= needed) {
            return current;
        }
        int length = Math.max(needed, (int) Math.min(2L * current.length, cap));
        byte[] grown = new byte[length <= RETAINED_BYTES || needed > RETAINED_BYTES ? length : RETAINED_BYTES];
        System.arraycopy(current, 0, grown, 0, keep);
        if (grown.length <= RETAINED_BYTES) {
            retained = grown;
        }
        current = grown;
        return current;
    }

    /** Whether {@link #array} is a large buffer that {@link #release} would let go. */
    boolean large() {
        return current != retained;
    }

    /** Back to the kept buffer (its contents are not carried over). */
    void release() {
        current = retained;
    }

    /** Bytes held now: the kept buffer, plus the large one while there is one (tests). */
    int bytesHeld() {
        return retained.length + (large() ? current.length : 0);
    }

    @Override
    public String toString() {
        return "RecordBuffer[kept " + retained.length + (large() ? ", large " + current.length : "") + "]";
    }

}
