package io.peerlink.transport;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads for the CPU-heavy steps of inbound handshakes (X25519 and ML-KEM-768 key generation,
 * ML-KEM decapsulation, RSA-OAEP decryption and encryption): a fixed number of platform threads,
 * normally one per core, and a bounded queue. {@link #execute} refuses a step when the queue is full
 * rather than letting work pile up without end; the listener also refuses new connections while it
 * is full. Socket I/O never runs here (see {@link io.peerlink.handshake.HandshakeDriver}).
 *
 * <p>Thread-safe.
 */
public final class CryptoPool implements Executor, AutoCloseable {

    private final ThreadPoolExecutor pool;
    private final int threads;
    private final int queue;

    CryptoPool(int threads, int queue) {
        this.threads = threads;
        this.queue = queue;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
                Thread.ofPlatform().name("peer-crypto-", 0).daemon().factory(), new ThreadPoolExecutor.AbortPolicy());
    }

    /** @throws RejectedExecutionException when the queue is full or the pool is closed */
    @Override
    public void execute(Runnable step) {
        pool.execute(step);
    }

    /** Whether a step handed over now would be refused. */
    boolean full() {
        return pool.isShutdown() || pool.getQueue().remainingCapacity() == 0;
    }

    int threads() {
        return threads;
    }

    int queueCapacity() {
        return queue;
    }

    /** Steps already queued are dropped; their handshakes fail. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
