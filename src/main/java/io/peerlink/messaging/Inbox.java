package io.peerlink.messaging;

import io.peerlink.store.Store;
import io.peerlink.store.StoredMessage;
import java.time.Duration;
import java.util.List;

/**
 * Reading the inbound messages from the store, oldest first, by cursor, with long polling. Cursors
 * come from the store: they only grow, also across restarts, so a client that saved one goes on
 * where it stopped. Thread-safe.
 */
public final class Inbox {

    /** One page of a poll; pass {@code nextCursor} as {@code after} next time. */
    public record Page(List<StoredMessage> messages, long nextCursor) {
    }

    private final Store store;

    public Inbox(Store store) {
        this.store = store;
    }

    /**
     * Inbound messages with a cursor greater than {@code after}, oldest first, at most {@code limit},
     * only from {@code from} when not null. Waits up to {@code wait} for a first match.
     *
     * @throws IllegalArgumentException when {@code after} is ahead of the newest cursor
     */
    public Page poll(long after, int limit, String from, Duration wait) throws InterruptedException {
        long last = store.messages().lastCursor();
        if (after > last) {
            throw new IllegalArgumentException("cursor " + after + " is ahead of the newest message (cursor "
                    + last + ")");
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long version = store.changes().version();
            List<StoredMessage> page = store.messages().inboundAfter(after, limit, from);
            long remaining = deadline - System.nanoTime();
            if (!page.isEmpty() || remaining <= 0) {
                return new Page(page, page.isEmpty() ? after : page.getLast().cursor());
            }
            store.changes().await(version, Duration.ofNanos(remaining));
        }
    }
}
