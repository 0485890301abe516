package io.peerlink.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>The writer owns its JDBC connection ({@link WriterConnection}: statements prepared once), from
 * the store's opening to {@link #close}, and runs each transaction on it by hand: begin, the tasks,
 * commit (or rollback).
 *
 * <p>No caller's code runs on the writer thread: the futures of a committed batch are completed, in
 * order, on a virtual thread of the batch's own (one hand-off per commit, not per task), so a dependent stage ({@code whenComplete}, {@code thenAccept}, ...) registered before the
 * commit runs there, and one registered after it runs on the thread that registers it. Otherwise a
 * connection's callback (queueing an ACK, say) would run on the writer thread, hold up every commit
 * behind it, and could wait for the writer itself (a full queue, a {@code join()}) forever.
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

    private final WriterConnection connection;
    private final Runnable afterCommit;
    private final CommitObserver observer;
    private final long deferNanos;
    private final BlockingQueue<Task<?>> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    /** Completes the tasks' futures, off the writer thread. */
    private final ExecutorService completions =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("store-completion-", 0).factory());
    private final Thread thread;
    private volatile boolean closed;

    /** A writer on {@code connection}, which it owns from now on and closes when it stops. */
    StoreWriter(WriterConnection connection, Runnable afterCommit, CommitObserver observer) {
        this(connection, afterCommit, observer, DEFER_NANOS);
    }

    StoreWriter(WriterConnection connection, Runnable afterCommit, CommitObserver observer, long deferNanos) {
        this.connection = connection;
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

    /**
     * As {@link #submit}; once the task's transaction committed, and before its future completes,
     * {@code afterCommit} runs on the writer thread outside any transaction (a checkpoint, say), after
     * the other futures of its batch were handed off for completion. Its failure is logged and does
     * not fail the committed task.
     */
    <T> CompletableFuture<T> submit(Supplier<T> work, Runnable afterCommit) {
        return submit(work, true, afterCommit);
    }

    private <T> CompletableFuture<T> submit(Supplier<T> work, boolean urgent) {
        return submit(work, urgent, null);
    }

    private <T> CompletableFuture<T> submit(Supplier<T> work, boolean urgent, Runnable afterCommit) {
        Task<T> task = new Task<>(work, urgent, afterCommit);
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

    /**
     * Commits what is queued, then stops the writer thread, which gives its connection back; later
     * submits fail. Waits a little for the futures' completions, not for what depends on them.
     */
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
        completions.shutdown();
        try {
            completions.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            writeUntilClosed();
        } finally {
            try {
                connection.close();
            } catch (SQLException | RuntimeException e) {
                log.warn("Closing the store writer's connection failed: {}", e.toString());
            }
        }
    }

    private void writeUntilClosed() {
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
            List<Task<?>> committed = new ArrayList<>();
            for (Task<?> task : batch) {
                try {
                    inTransaction(List.of(task));
                    committed.add(task);
                } catch (RuntimeException e) {
                    fail(task, e);
                }
            }
            committed(committed);
            return;
        }
        committed(batch);
    }

    /** Signals the commit, completes the futures, and runs the after-commit steps (before their own futures). */
    private void committed(List<Task<?>> tasks) {
        afterCommit.run();
        // one hand-off for the batch: its futures complete in order on one virtual thread
        List<Task<?>> plain = tasks.stream().filter(task -> task.afterCommit == null).toList();
        if (!plain.isEmpty()) {
            offWriterThread(() -> plain.forEach(Task::complete));
        }
        for (Task<?> task : tasks) {
            if (task.afterCommit != null) {
                task.afterCommit();
                offWriterThread(task::complete);
            }
        }
    }

    /** Runs {@code completion} on a virtual thread, also when a late commit outlived {@link #close}. */
    private void offWriterThread(Runnable completion) {
        try {
            completions.execute(completion);
        } catch (RejectedExecutionException e) {
            Thread.ofVirtual().name("store-completion-late").start(completion);
        }
    }

    /**
     * Runs the tasks in one transaction on the writer's connection; reports it to the observer once
     * it committed. Rolls back and rethrows when a task or the commit fails.
     */
    private void inTransaction(List<Task<?>> tasks) {
        long start = System.nanoTime();
        try {
            tasks.forEach(Task::run);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException("commit failed: " + e, e);
        }
        long nanos = System.nanoTime() - start;
        try {
            observer.committed(tasks.size(), nanos);
        } catch (RuntimeException e) {
            log.warn("The commit observer failed: {}", e.toString());
        }
    }

    private void fail(Task<?> task, RuntimeException e) {
        log.warn("A store write failed: {}", e.toString());
        offWriterThread(() -> task.future.completeExceptionally(e));
    }

    private static final class Task<T> {
        final Supplier<T> work;
        final boolean urgent;
        final Runnable afterCommit;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;

        Task(Supplier<T> work, boolean urgent, Runnable afterCommit) {
            this.work = work;
            this.urgent = urgent;
            this.afterCommit = afterCommit;
        }

        void run() {
            result = work.get();
        }

        void afterCommit() {
            try {
                afterCommit.run();
            } catch (RuntimeException e) {
                log.warn("A store write's after-commit step failed: {}", e.toString());
            }
        }

        void complete() {
            future.complete(result);
        }
    }
}
