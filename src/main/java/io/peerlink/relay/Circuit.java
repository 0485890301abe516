package io.peerlink.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One circuit on the relay: the two secrets its sides join with, then the two joined sockets and the
 * two threads that copy bytes between them, nothing else (the relay never reads what it copies).
 * It owns both sockets from their JOIN on, and releases them, and its place in the relay's counts,
 * in {@link #close}, once.
 *
 * <p>Thread-safe.
 */
final class Circuit implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Circuit.class);
    private static final int CHUNK = 16 * 1024;

    /** A joined side: the socket and the streams the relay's listener read the JOIN with. */
    record Side(Socket socket, InputStream in, OutputStream out) {
    }

    final UUID id;
    final String target;
    private final byte[] diallerSecret;
    private final byte[] targetSecret;
    private final long bytesPerSecond;
    private final Runnable released;
    private Side dialler; // guarded by this
    private Side reserved; // guarded by this
    private boolean closed; // guarded by this
    private boolean spliced; // guarded by this

    Circuit(UUID id, String target, byte[] diallerSecret, byte[] targetSecret, long bytesPerSecond,
            Runnable released) {
        this.id = id;
        this.target = target;
        this.diallerSecret = diallerSecret;
        this.targetSecret = targetSecret;
        this.bytesPerSecond = bytesPerSecond;
        this.released = released;
    }

    /**
     * A side joined with {@code secret} (compared in constant time with both): takes over its socket.
     * When both sides are there, the copying starts. A secret that matches neither side, or a side
     * that joined already, closes the new socket (the circuit stays as it was).
     */
    void join(byte[] secret, Side side) {
        boolean asDialler = MessageDigest.isEqual(secret, diallerSecret);
        boolean asTarget = MessageDigest.isEqual(secret, targetSecret);
        boolean start = false;
        boolean refused = false;
        synchronized (this) {
            if (closed || (!asDialler && !asTarget) || (asDialler ? dialler : reserved) != null) {
                refused = true;
            } else if (asDialler) {
                dialler = side;
            } else {
                reserved = side;
            }
            if (!refused && dialler != null && reserved != null) {
                spliced = true;
                start = true;
            }
        }
        if (refused) {
            log.info("Refused a JOIN for circuit {}: wrong secret, or that side joined already", id);
            closeQuietly(side.socket());
            return;
        }
        if (start) {
            Side a;
            Side b;
            synchronized (this) {
                a = dialler;
                b = reserved;
            }
            Thread.ofVirtual().name("relay-copy").start(() -> copy(a, b));
            Thread.ofVirtual().name("relay-copy").start(() -> copy(b, a));
        }
    }

    synchronized boolean isSpliced() {
        return spliced;
    }

    /** Copies {@code from} to {@code to} at most {@link #bytesPerSecond}, until either side ends. */
    private void copy(Side from, Side to) {
        byte[] buffer = new byte[CHUNK];
        long start = System.nanoTime();
        long copied = 0;
        try {
            from.socket().setSoTimeout(0);
            int n;
            while ((n = from.in().read(buffer)) >= 0) {
                to.out().write(buffer, 0, n);
                to.out().flush();
                copied += n;
                // the rate limit: ahead of bytesPerSecond, wait until the budget catches up
                long due = start + (long) (copied * 1e9 / bytesPerSecond);
                long ahead = due - System.nanoTime();
                if (ahead > 0) {
                    LockSupport.parkNanos(ahead);
                }
            }
        } catch (IOException e) {
            log.debug("Circuit {} ended: {}", id, e.toString());
        } finally {
            close();
        }
    }

    /** Closes both sockets and gives back the circuit's place, once. */
    @Override
    public void close() {
        Side a;
        Side b;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            a = dialler;
            b = reserved;
        }
        if (a != null) {
            closeQuietly(a.socket());
        }
        if (b != null) {
            closeQuietly(b.socket());
        }
        released.run();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
