package io.peerlink.support;

import io.peerlink.store.CommitObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A store slowed on demand: passed as a store's {@link CommitObserver}, {@link #hold()} makes the
 * store's writer wait after each commit until {@link #release()}, so that a caller waiting for its
 * write runs into its time-out while the write itself goes through later.
 */
public final class CommitGate implements CommitObserver {

    private final AtomicReference<CountDownLatch> gate = new AtomicReference<>();

    /** Commits from now on wait (after committing) until {@link #release()}. */
    public void hold() {
        gate.set(new CountDownLatch(1));
    }

    /** Lets the waiting commit, and every later one, complete. */
    public void release() {
        CountDownLatch held = gate.getAndSet(null);
        if (held != null) {
            held.countDown();
        }
    }

    @Override
    public void committed(int writes, long nanos) {
        CountDownLatch held = gate.get();
        if (held != null) {
            try {
                held.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
