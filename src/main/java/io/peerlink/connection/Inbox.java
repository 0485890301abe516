package io.peerlink.connection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded store of decrypted inbound messages. Each stored message gets the next cursor
 * (1, 2, 3, ...); a poll returns messages after a cursor, oldest first, so increasing cursors never
 * see a message twice. When full, the oldest message is dropped, counted and logged; a poll whose
 * cursor is older than what is left reports how many it missed.
 *
 * <p>Messages are de-duplicated by (sender, id): a sender re-sends unacknowledged messages after a
 * reconnect, and the copy is acknowledged again but not stored twice.
 */
public final class Inbox {

    /** One page of a poll. {@code missed} counts messages dropped before the caller could see them. */
    public record Page(List<InboundMessage> messages, long nextCursor, long missed) {
    }

    /** What {@link #append} did. */
    public enum Outcome { STORED, DUPLICATE }

    private static final Logger log = LoggerFactory.getLogger(Inbox.class);

    private final int capacity;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    // A ring of the stored messages, oldest at head. Cursors are consecutive, so the message with
    // cursor c sits at (head + c - oldestCursor) mod capacity: a poll starts there, no scan.
    private final InboundMessage[] ring;
    private int head;
    private int size;
    // Remembered ids for de-duplication: a bounded window, larger than the store itself.
    private final LinkedHashSet<String> seen = new LinkedHashSet<>();
    private final int seenCapacity;
    private long lastCursor;
    private long dropped;

    public Inbox(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("inbox capacity must be at least 1");
        }
        this.capacity = capacity;
        this.ring = new InboundMessage[capacity];
        this.seenCapacity = Math.max(capacity * 2, 1024);
        this.clock = clock;
    }

    public Outcome append(String from, UUID id, Instant sentAt, String text) {
        lock.lock();
        try {
            String key = from + "/" + id;
            if (!seen.add(key)) {
                return Outcome.DUPLICATE;
            }
            if (seen.size() > seenCapacity) {
                var it = seen.iterator();
                it.next();
                it.remove();
            }
            if (size == capacity) {
                ring[head] = null;
                head = (head + 1) % capacity;
                size--;
                dropped++;
                if (Long.bitCount(dropped) == 1) {
                    // 1st, 2nd, 4th, 8th ... drop: loud enough to notice, quiet enough under a flood.
                    log.warn("Inbox full ({} messages): dropped the oldest message ({} dropped so far)",
                            capacity, dropped);
                }
            }
            ring[(head + size) % capacity] = new InboundMessage(id, ++lastCursor, from, text, sentAt, clock.instant());
            size++;
            arrived.signalAll();
            return Outcome.STORED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Messages with cursor greater than {@code after}, oldest first, at most {@code limit}, only
     * {@code from} one peer when not null. Waits up to {@code wait} for a first match.
     *
     * @throws IllegalArgumentException when {@code after} is ahead of the newest cursor
     */
    public Page poll(long after, int limit, String from, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            if (after > lastCursor) {
                throw new IllegalArgumentException("cursor " + after + " is ahead of the newest message (cursor "
                        + lastCursor + ")");
            }
            while (true) {
                List<InboundMessage> page = new ArrayList<>(Math.min(limit, 64));
                long oldest = lastCursor - size + 1;
                long missed = Math.max(0, oldest - after - 1);
                long next = after;
                for (long c = Math.max(after + 1, oldest); c <= lastCursor && page.size() < limit; c++) {
                    InboundMessage m = ring[(int) ((head + (c - oldest)) % capacity)];
                    next = c; // scanned, so the caller can skip non-matching messages
                    if (from == null || from.equals(m.from())) {
                        page.add(m);
                    }
                }
                long remaining = deadline - System.nanoTime();
                if (!page.isEmpty() || remaining <= 0) {
                    return new Page(page, next, missed);
                }
                arrived.awaitNanos(remaining);
                after = next;
            }
        } finally {
            lock.unlock();
        }
    }

    public long lastCursor() {
        lock.lock();
        try {
            return lastCursor;
        } finally {
            lock.unlock();
        }
    }

    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }
}
