package io.peerlink.transport;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One unit of a bounded budget (a connection slot, a handshake slot). Whoever holds it closes it
 * when the thing it stands for ends; it is given back exactly once, however often {@link #close} is
 * called. A connection slot of an unknown identity may instead be {@linkplain #handOver handed
 * over}, once, to a contact ({@link ConnectionSlots}): then closing it gives nothing back. Thread-safe.
 */
final class Slot implements AutoCloseable {

    /** A slot that stands for nothing: closing it gives nothing back. */
    static final Slot NONE = new Slot(() -> {
    }, null);

    private final Runnable release;
    /** What handing the unit over gives back (the unknown's share), null when it cannot be handed over. */
    private final Runnable handOver;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(Runnable release, Runnable handOver) {
        this.release = release;
        this.handOver = handOver;
    }

    /** A slot from {@code pool}, or null when none is free. */
    static Slot tryAcquire(Semaphore pool) {
        return pool.tryAcquire() ? new Slot(pool::release, null) : null;
    }

    /** A slot already taken from some budget; closing it runs {@code release}, once. */
    static Slot of(Runnable release) {
        return new Slot(release, null);
    }

    /**
     * A slot already taken that may be handed over: closing it runs {@code release}, handing it
     * over runs {@code handOver}; whichever comes first, once.
     */
    static Slot handOverable(Runnable release, Runnable handOver) {
        return new Slot(release, handOver);
    }

    /** Whether {@link #handOver} may take this slot's unit. */
    boolean canBeHandedOver() {
        return handOver != null;
    }

    /**
     * Takes this slot's unit away from its holder for someone else: true when it did (the holder's
     * later {@link #close} gives nothing back), false when the slot was already given back or
     * handed over, or cannot be.
     */
    boolean handOver() {
        if (handOver != null && released.compareAndSet(false, true)) {
            handOver.run();
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            release.run();
        }
    }
}
