package io.peerlink.transport;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's one timer thread (wireguard-go's timers.go: one place, each timer named after the event
 * it waits for). Every job here is short and never blocks: it closes a socket, or hands work to a
 * virtual thread. Jobs that are cancelled are removed at once, so a connection that ends leaves
 * nothing behind.
 *
 * <p>Thread-safe.
 */
public final class Timers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Timers.class);

    private final ScheduledThreadPoolExecutor executor;

    public Timers() {
        executor = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().name("peer-timers").daemon().unstarted(r));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** After a CLOSE was queued: the socket is closed once the grace is over, if it is not already. */
    Future<?> closeGraceOver(Duration grace, Runnable closeSocket) {
        return once(grace, closeSocket);
    }

    /** Every {@code period} while a connection is open: is a write stuck? */
    Future<?> writeProgressCheck(Duration period, Runnable check) {
        return every(period, check);
    }

    /**
     * A relay's timer (a reservation's renewal, a circuit's join deadline): the job must be short
     * and must not wait (it may queue a frame).
     */
    public Future<?> relayDue(Duration delay, Runnable job) {
        return once(delay, job);
    }

    /** A re-dial is due after its back-off. */
    Future<?> redialDue(Duration backoff, Runnable dial) {
        return once(backoff, () -> Thread.ofVirtual().name("peer-redial").start(dial));
    }

    /**
     * Where handshakes' deadlines wait ({@code HandshakeDriver} schedules each one here: the job
     * closes the handshake's socket when it runs past its deadline).
     */
    java.util.concurrent.ScheduledExecutorService handshakeDeadlines() {
        return executor;
    }

    /** Periodic housekeeping (the job runs on a virtual thread: it may wait for the store). */
    public Future<?> housekeeping(Duration period, Runnable job) {
        return executor.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("peer-housekeeping").start(job),
                period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The executor itself, for a job of a package that may not depend on this one (the store's
     * housekeeping): its jobs must be as short as the others.
     */
    public java.util.concurrent.ScheduledExecutorService scheduler() {
        return executor;
    }

    /** Jobs waiting (tests). */
    int pending() {
        return executor.getQueue().size();
    }

    private Future<?> once(Duration delay, Runnable job) {
        try {
            return executor.schedule(guarded(job), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopped: nothing is scheduled any more
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    }

    private Future<?> every(Duration period, Runnable job) {
        try {
            return executor.scheduleWithFixedDelay(guarded(job), period.toMillis(), period.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    }

    private static Runnable guarded(Runnable job) {
        return () -> {
            try {
                job.run();
            } catch (RuntimeException e) {
                log.error("Timer job failed", e);
            }
        };
    }

    /** Drops every job still waiting: call it last, once the connections have ended. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
