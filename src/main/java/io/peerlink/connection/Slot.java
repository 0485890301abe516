package io.peerlink.connection;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One unit of a bounded budget (a connection slot, a handshake slot). Whoever holds it closes it
 * when the thing it stands for ends; it is given back exactly once, however often {@link #close} is
 * called. Thread-safe.
 */
final class Slot implements AutoCloseable {

    /** A slot that stands for nothing: closing it gives nothing back. */
    static final Slot NONE = new Slot(null);

    private final Semaphore pool;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(Semaphore pool) {
        this.pool = pool;
    }

    /** A slot from {@code pool}, or null when none is free. */
    static Slot tryAcquire(Semaphore pool) {
        return pool.tryAcquire() ? new Slot(pool) : null;
    }

    @Override
    public void close() {
        if (pool != null && released.compareAndSet(false, true)) {
            pool.release();
        }
    }
}
