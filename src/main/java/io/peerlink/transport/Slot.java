package io.peerlink.transport;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One unit of a bounded budget (a connection slot, a handshake slot). Whoever holds it closes it
 * when the thing it stands for ends; it is given back exactly once, however often {@link #close} is
 * called. Thread-safe.
 */
final class Slot implements AutoCloseable {

    /** A slot that stands for nothing: closing it gives nothing back. */
    static final Slot NONE = new Slot(() -> {
    });

    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(Runnable release) {
        this.release = release;
    }

    /** A slot from {@code pool}, or null when none is free. */
    static Slot tryAcquire(Semaphore pool) {
        return pool.tryAcquire() ? new Slot(pool::release) : null;
    }

    /** A slot already taken from some budget; closing it runs {@code release}, once. */
    static Slot of(Runnable release) {
        return new Slot(release);
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            release.run();
        }
    }
}
