package io.peerlink.bench;

import java.io.IOException;
import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sending side of a "-batched" subject, shaped like peerlink's own send loop
 * ({@code PeerConnection}): {@link #send} only queues; one writer thread takes the first waiting
 * item and hands it, with the queue, to a {@link Batch} that takes whatever else waits at that
 * moment into one socket write. The queue is bounded, so a fast sender waits instead of filling
 * the heap (the peer's queue is not bounded, but its senders are people and REST calls).
 *
 * @param <T> what is queued: a frame, or a copy of a message
 */
final class QueuedSender<T> implements AutoCloseable {

    /** Writes {@code first} and what {@code queue} holds now (taken with {@code poll}) in one write. */
    @FunctionalInterface
    interface Batch<T> {
        void write(T first, Queue<T> queue) throws Exception;
    }

    private static final int CAPACITY = 1024;

    private final BlockingQueue<T> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final T end;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread writer;
    private volatile boolean finishing;

    /** {@code end} is a marker the writer does not write: it runs {@code atEnd} and stops there. */
    QueuedSender(String name, T end, Batch<T> batch, Threads.Task atEnd) {
        this.end = end;
        this.writer = Threads.start(name, () -> {
            while (true) {
                T first = queue.take();
                if (first == end) {
                    atEnd.run();
                    return;
                }
                batch.write(first, new EndStops<>(queue, end));
            }
        }, failure);
    }

    void send(T item) throws IOException {
        rethrow();
        try {
            while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                rethrow();
                if (!writer.isAlive()) {
                    throw new IOException("writer thread ended");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Queues the end marker: everything queued before it is written first. */
    void finish() throws IOException {
        finishing = true;
        send(end);
    }

    private void rethrow() throws IOException {
        if (failure.get() != null) {
            throw new IOException("writer failed", failure.get());
        }
    }

    /** Waits for the writer (a while, if {@link #finish} was called), then stops it. */
    @Override
    public void close() throws IOException {
        try {
            if (!Threads.join(writer, finishing ? 10_000 : 0)) {
                writer.interrupt();
                Threads.join(writer, 5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The queue as a batch sees it: {@code poll} gives nothing once the end marker is next. */
    private static final class EndStops<T> extends AbstractQueue<T> {
        private final BlockingQueue<T> queue;
        private final T end;

        EndStops(BlockingQueue<T> queue, T end) {
            this.queue = queue;
            this.end = end;
        }

        @Override
        public T poll() {
            // one writer takes from the queue: what peek saw is still there for poll
            T next = queue.peek();
            return next == null || next == end ? null : queue.poll();
        }

        @Override
        public T peek() {
            T next = queue.peek();
            return next == end ? null : next;
        }

        @Override
        public boolean offer(T t) {
            throw new UnsupportedOperationException("the batch only takes");
        }

        @Override
        public Iterator<T> iterator() {
            throw new UnsupportedOperationException("the batch only takes");
        }

        @Override
        public int size() {
            throw new UnsupportedOperationException("the batch only takes");
        }
    }
}
