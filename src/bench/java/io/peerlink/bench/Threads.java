package io.peerlink.bench;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts the load tool's threads: virtual threads unless {@code -Dbench.threads=platform}. A task's
 * first failure is kept for the caller to rethrow.
 */
final class Threads {

    static final boolean VIRTUAL = !"platform".equals(System.getProperty("bench.threads", "virtual"));

    /** A unit of work that may throw. */
    @FunctionalInterface
    interface Task {
        void run() throws Exception;
    }

    private Threads() {
    }

    static Thread start(String name, Task task, AtomicReference<Throwable> failure) {
        return start(name, VIRTUAL, task, failure);
    }

    static Thread start(String name, boolean virtual, Task task, AtomicReference<Throwable> failure) {
        Runnable body = () -> {
            try {
                task.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        return virtual ? Thread.ofVirtual().name(name).start(body)
                : Thread.ofPlatform().name(name).daemon().start(body);
    }

    /** Joins, bounded; returns false if the thread is still alive afterwards. */
    static boolean join(Thread thread, long millis) throws InterruptedException {
        return thread.join(java.time.Duration.ofMillis(millis));
    }

    static String kind(boolean virtual) {
        return virtual ? "virtual threads" : "platform threads";
    }
}
