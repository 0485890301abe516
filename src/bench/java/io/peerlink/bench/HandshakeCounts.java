package io.peerlink.bench;

import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.Direction;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The peer's own count of handshakes and refusals by reason ({@link ConnectionObserver#handshakeFailed}),
 * so that a connection the bench expected but did not get says why the peer refused it (capacity,
 * rate-limited, unknown-per-address, ...) instead of only how many are missing. Thread-safe.
 */
final class HandshakeCounts implements ConnectionObserver {

    private final LongAdder succeeded = new LongAdder();
    private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();

    @Override
    public void handshakeSucceeded(Direction direction, long nanos) {
        succeeded.increment();
    }

    @Override
    public void handshakeFailed(Direction direction, String reason) {
        failed.computeIfAbsent(direction.name().toLowerCase(java.util.Locale.ROOT) + " " + reason,
                r -> new LongAdder()).increment();
    }

    /** Refusals and failures so far. */
    long failures() {
        return failed.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** e.g. "1000 handshakes succeeded; failed: inbound rate-limited 12". */
    @Override
    public String toString() {
        Map<String, Long> sorted = new TreeMap<>();
        failed.forEach((reason, n) -> sorted.put(reason, n.sum()));
        return succeeded.sum() + " handshakes succeeded" + (sorted.isEmpty() ? ", none failed" : "; failed: " + sorted);
    }
}
