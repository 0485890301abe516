package io.peerlink.transport;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One token bucket per source, after wireguard-go's {@code ratelimiter} for handshake initiations:
 * {@value #PER_SECOND} handshakes a second per source, in bursts of up to {@value #BURST}
 * ({@link Admission} says when a handshake pays its token). Credit is kept in nanoseconds: a token costs
 * {@code 1 s / PER_SECOND}, and a bucket holds at most {@code BURST} tokens.
 *
 * <p>A source is a {@link SourceAddress}: an IPv4 address, or the /64 prefix of an IPv6 address.
 * A bucket that has been full again for a while is the same as no
 * bucket, so such buckets are dropped every second; at most {@value #MAX_SOURCES} sources are
 * tracked, and a new source beyond that is refused until room is made, as WireGuard's kernel
 * module does.
 *
 * <p>Not thread-safe: {@link Admission} calls it under its own lock.
 */
final class SourceRateLimiter {

    static final int PER_SECOND = 20;
    static final int BURST = 5;
    static final int MAX_SOURCES = 8192;

    private static final long TOKEN_NANOS = TimeUnit.SECONDS.toNanos(1) / PER_SECOND;
    private static final long MAX_CREDIT = TOKEN_NANOS * BURST;
    private static final long PURGE_EVERY = TimeUnit.SECONDS.toNanos(1);

    private final Map<SourceAddress, Bucket> buckets = new HashMap<>();
    private long lastPurge;

    /** Takes a token from {@code source}'s bucket at {@code now} (nanoseconds); false when it has none. */
    boolean allow(SourceAddress source, long now) {
        if (now - lastPurge > PURGE_EVERY) {
            purge(now);
        }
        Bucket b = buckets.get(source);
        if (b == null) {
            if (buckets.size() >= MAX_SOURCES) {
                purge(now);
                if (buckets.size() >= MAX_SOURCES) {
                    return false;
                }
            }
            b = new Bucket(MAX_CREDIT, now);
            buckets.put(source, b);
        }
        b.credit = Math.min(MAX_CREDIT, b.credit + (now - b.last));
        b.last = now;
        if (b.credit < TOKEN_NANOS) {
            return false;
        }
        b.credit -= TOKEN_NANOS;
        return true;
    }

    /** Sources with a bucket (tests). */
    int tracked() {
        return buckets.size();
    }

    private void purge(long now) {
        lastPurge = now;
        buckets.values().removeIf(b -> b.credit + (now - b.last) >= MAX_CREDIT);
    }

    private static final class Bucket {
        long credit;
        long last;

        Bucket(long credit, long last) {
            this.credit = credit;
            this.last = last;
        }
    }
}
