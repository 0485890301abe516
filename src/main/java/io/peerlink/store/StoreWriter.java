package io.peerlink.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The store's one writer, with group commit: every write is a task on one queue; a single thread
 * takes all tasks waiting at that moment and runs them in one transaction, so a burst of writes
 * costs one fsync ({@code synchronous=FULL}) instead of one each. A task's future completes only
 * after its transaction committed. SQLite allows one writer at a time anyway; with this one thread
 * a check-then-update inside a task cannot race another write.
 *
 * <p>When a batch fails, its transaction rolls back and each task runs again alone, so one bad
 * write fails only its own future.
 *
 * <p>A write nobody waits for (a status change reported by a connection, see
 * {@link #submitDeferrable}) does not start a transaction of its own at once: a batch of only such
 * writes waits up to {@link #DEFER_NANOS} (5 ms) for a write someone waits for, and they share its
 * commit. Each commit is an fsync that every write queued behind it waits out, so a commit saved
 * this way is latency saved for the next waiting write.
 *
 * <p>Every committed transaction is reported to a {@link CommitObserver} with its size and duration.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread.
 */
final class StoreWriter implements AutoCloseable {

    /** Tasks queued before {@link #submit} blocks: back-pressure on a peer that sends faster than we commit. */
    static final int QUEUE_CAPACITY = 8192;
    static final int MAX_BATCH = 1024;
    /** How long a batch of only deferrable writes waits for another write before it commits alone. */
    static final long DEFER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long CLOSE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);

    private final TransactionTemplate transactions;
    private final Runnable afterCommit;
    private final CommitObserver observer;
    private final long deferNanos;
    private final BlockingQueue<Task<?>> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private volatile boolean closed;

    StoreWriter(TransactionTemplate transactions, Runnable afterCommit, CommitObserver observer) {
        this(transactions, afterCommit, observer, DEFER_NANOS);
    }

    StoreWriter(TransactionTemplate transactions, Runnable afterCommit, CommitObserver observer, long deferNanos) {
        this.transactions = transactions;
        this.afterCommit = afterCommit;
        this.observer = observer;
        this.deferNanos = deferNanos;
        this.thread = Thread.ofPlatform().name("store-writer").daemon().start(this::run);
    }

    /** Queues {@code work} for the writer thread; blocks while the queue is full. */
    <T> CompletableFuture<T> submit(Supplier<T> work) {
        return submit(work, true);
    }

    /**
     * As {@link #submit}, for a write whose commit nobody waits for: it may wait up to the deferral
     * ({@link #DEFER_NANOS}) to share the commit of the next write.
     */
    <T> CompletableFuture<T> submitDeferrable(Supplier<T> work) {
        return submit(work, false);
    }

    private <T> CompletableFuture<T> submit(Supplier<T> work, boolean urgent) {
        Task<T> task = new Task<>(work, urgent);
        if (closed) {
            task.future.completeExceptionally(new StoreClosedException());
            return task.future;
        }
        try {
            queue.put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.future.completeExceptionally(new StoreClosedException());
        }
        return task.future;
    }

    /** Commits what is queued, then stops the writer thread; later submits fail. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Task<?> left;
        while ((left = queue.poll()) != null) {
            left.future.completeExceptionally(new StoreClosedException());
        }
    }

    private void run() {
        List<Task<?>> batch = new ArrayList<>();
        while (true) {
            Task<?> first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                if (closed && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            if (!anyUrgent(batch, 0)) {
                awaitUrgent(batch);
            }
            commit(batch);
            batch.clear();
        }
    }

    /**
     * Adds what arrives to a batch of deferrable writes until a write someone waits for is among
     * them, the batch is full, the deferral passed, or the writer closes.
     */
    private void awaitUrgent(List<Task<?>> batch) {
        long deadline = System.nanoTime() + deferNanos;
        while (batch.size() < MAX_BATCH && !closed) {
            long wait = deadline - System.nanoTime();
            Task<?> next;
            try {
                // in slices, so that close() is noticed soon
                next = wait > 0 ? queue.poll(Math.min(wait, CLOSE_CHECK_NANOS), TimeUnit.NANOSECONDS) : null;
            } catch (InterruptedException e) {
                return;
            }
            if (next == null) {
                if (System.nanoTime() - deadline >= 0) {
                    return;
                }
                continue;
            }
            int from = batch.size();
            batch.add(next);
            queue.drainTo(batch, MAX_BATCH - batch.size());
            if (anyUrgent(batch, from)) {
                return;
            }
        }
    }

    private static boolean anyUrgent(List<Task<?>> batch, int from) {
        for (int i = from; i < batch.size(); i++) {
            if (batch.get(i).urgent) {
                return true;
            }
        }
        return false;
    }

    private void commit(List<Task<?>> batch) {
        try {
            inTransaction(batch);
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1) {
                fail(batch.getFirst(), batchFailure);
                return;
            }
            // find the culprit: every task again, each in its own transaction
            for (Task<?> task : batch) {
                try {
                    inTransaction(List.of(task));
                    task.complete();
                } catch (RuntimeException e) {
                    fail(task, e);
                }
            }
            afterCommit.run();
            return;
        }
        afterCommit.run();
        batch.forEach(Task::complete);
    }

    /** Runs the tasks in one transaction; reports it to the observer once it committed. */
    private void inTransaction(List<Task<?>> tasks) {
        long start = System.nanoTime();
        transactions.executeWithoutResult(status -> tasks.forEach(Task::run));
        long nanos = System.nanoTime() - start;
        try {
            observer.committed(tasks.size(), nanos);
        } catch (RuntimeException e) {
            log.warn("The commit observer failed: {}", e.toString());
        }
    }

    private static void fail(Task<?> task, RuntimeException e) {
        log.warn("A store write failed: {}", e.toString());
        task.future.completeExceptionally(e);
    }

    private static final class Task<T> {
        final Supplier<T> work;
        final boolean urgent;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;

        Task(Supplier<T> work, boolean urgent) {
            this.work = work;
            this.urgent = urgent;
        }

        void run() {
            result = work.get();
        }

        void complete() {
            future.complete(result);
        }
    }
}
