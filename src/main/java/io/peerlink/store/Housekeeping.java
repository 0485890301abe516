package io.peerlink.store;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code interval}: fails undelivered messages older than the message TTL, and, when a
 * history retention is set, deletes messages and events older than it. From {@link #start} to
 * {@link #close}, the peer's timer thread (the {@code scheduler} given) starts each round on a
 * virtual thread (a round waits for the store); a round still running when the next is due is not
 * doubled.
 */
public final class Housekeeping implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private final Store store;
    private final Duration messageTtl;
    private final Duration historyRetention;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean running = new AtomicBoolean();
    private Future<?> rounds; // guarded by this

    /** {@code historyRetention} null keeps history for ever. */
    public Housekeeping(Store store, Duration messageTtl, Duration historyRetention, Duration interval,
            ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        this.store = store;
        this.messageTtl = messageTtl;
        this.historyRetention = historyRetention;
        this.interval = interval;
    }

    public synchronized void start() {
        if (rounds == null) {
            rounds = scheduler.scheduleWithFixedDelay(() -> {
                if (running.compareAndSet(false, true)) {
                    Thread.ofVirtual().name("store-housekeeping").start(this::run);
                }
            }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
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

    /** One round on its virtual thread. */
    private void run() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("Housekeeping failed: {}", e.toString());
        } finally {
            running.set(false);
        }
    }

    @Override
    public synchronized void close() {
        if (rounds != null) {
            rounds.cancel(false);
            rounds = null;
        }
    }
}
