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
 * <p>Every committed transaction is reported to a {@link CommitObserver} with its size and duration.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread.
 */
final class StoreWriter implements AutoCloseable {

    /** Tasks queued before {@link #submit} blocks: back-pressure on a peer that sends faster than we commit. */
    static final int QUEUE_CAPACITY = 8192;
    static final int MAX_BATCH = 1024;
    private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);

    private final TransactionTemplate transactions;
    private final Runnable afterCommit;
    private final CommitObserver observer;
    private final BlockingQueue<Task<?>> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private volatile boolean closed;

    StoreWriter(TransactionTemplate transactions, Runnable afterCommit, CommitObserver observer) {
        this.transactions = transactions;
        this.afterCommit = afterCommit;
        this.observer = observer;
        this.thread = Thread.ofPlatform().name("store-writer").daemon().start(this::run);
    }

    /** Queues {@code work} for the writer thread; blocks while the queue is full. */
    <T> CompletableFuture<T> submit(Supplier<T> work) {
        Task<T> task = new Task<>(work);
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
            commit(batch);
            batch.clear();
        }
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
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;

        Task(Supplier<T> work) {
            this.work = work;
        }

        void run() {
            result = work.get();
        }

        void complete() {
            future.complete(result);
        }
    }
}
