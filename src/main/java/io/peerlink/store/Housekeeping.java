package io.peerlink.store;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code interval}: fails undelivered messages older than the message TTL, and, when a
 * history retention is set, deletes messages and events older than it. Runs on one virtual thread
 * from {@link #start} to {@link #close}.
 */
public final class Housekeeping implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private final Store store;
    private final Duration messageTtl;
    private final Duration historyRetention;
    private final Duration interval;
    private volatile Thread thread;

    /** {@code historyRetention} null keeps history for ever. */
    public Housekeeping(Store store, Duration messageTtl, Duration historyRetention, Duration interval) {
        this.store = store;
        this.messageTtl = messageTtl;
        this.historyRetention = historyRetention;
        this.interval = interval;
    }

    public synchronized void start() {
        if (thread == null) {
            thread = Thread.ofVirtual().name("store-housekeeping").start(this::run);
        }
    }

    /** One round, now. */
    public void runOnce() {
        int expired = store.expire(messageTtl).join();
        if (expired > 0) {
            log.info("{} message(s) not delivered within {}: marked FAILED", expired, messageTtl);
        }
        if (historyRetention != null) {
            int removed = store.prune(historyRetention).join();
            if (removed > 0) {
                log.info("Removed {} message(s) older than the history retention ({})", removed, historyRetention);
            }
        }
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                runOnce();
            } catch (RuntimeException e) {
                log.warn("Housekeeping failed: {}", e.toString());
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.interrupt();
            thread = null;
        }
    }
}
