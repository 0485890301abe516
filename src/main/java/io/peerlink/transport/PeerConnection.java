package io.peerlink.transport;

import io.peerlink.handshake.Session;
import io.peerlink.identity.PeerKey;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.Frame;
import io.peerlink.wire.Limits;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RecordReader;
import io.peerlink.wire.RecordWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One established, authenticated connection: a receive loop and a send loop on virtual threads.
 * All writes go through one queue drained by the send loop, so frames never interleave; the send
 * loop takes every frame queued at that moment (up to {@link RecordWriter#BATCH_BYTES}) into one
 * socket write, one record per frame, and reports a message written only after that write. An idle
 * send direction emits KEEP_ALIVE; a receive direction silent for the idle time-out, a write that
 * makes no progress for the idle time-out, a read error, an end of stream or any protocol error ends
 * the connection.
 *
 * <h2>Memory per connection, whatever the peer does</h2>
 * <ul>
 * <li>Send queue: at most {@value #MAX_QUEUED_FRAMES} frames and {@value #MAX_QUEUED_BYTES} bytes of
 * MESSAGE text ({@link #send} refuses a MESSAGE beyond either; the owner keeps its window of
 * messages below both, see {@code messaging.Delivery}), plus at most {@value #MAX_UNACKNOWLEDGED}
 * ACKs and a CLOSE.</li>
 * <li>ACKs owed: the receive loop reads the next frame only while fewer than
 * {@value #MAX_UNACKNOWLEDGED} received messages wait to be stored and acknowledged (their ACK
 * written to the socket): a peer that sends faster than this peer stores, or that never reads its
 * ACKs, is read no faster than that, and TCP's flow control holds it back.</li>
 * <li>A write that makes no progress (not one chunk of {@value #WRITE_CHUNK} bytes taken by the
 * socket) for the idle time-out closes the connection: a peer that stops reading holds nothing
 * for longer than that.</li>
 * <li>Read buffer: up to {@code ConnectionStreams.INPUT_BUFFER} (64 KiB) while data waits, plus one
 * record of at most {@code Limits.maxFrameLength} (1 MiB by default) being decrypted.</li>
 * <li>Write buffer: one batch, {@link RecordWriter#BATCH_BYTES} plus one record at most.</li>
 * </ul>
 * With the defaults (60 KiB messages) that is at most about 4 MiB of queued text, 64 KiB + 1 MiB
 * of read buffers and 64 KiB + 64 KiB of write buffer per connection; the window of messages in
 * flight ({@code messaging.Delivery}) keeps the queued text at most 4 MiB per peer.
 *
 * <p>Thread-safe: {@link #send}, {@link #acknowledge} and {@link #close} may be called from any thread.
 */
public final class PeerConnection {

    /** What the connection tells its owner. */
    public interface Handler {
        void onMessage(PeerConnection connection, Frame.Message message);

        void onAck(PeerConnection connection, Frame.Ack ack);

        /** {@code message} was written to the socket (it may still be lost with the connection). */
        void onWritten(PeerConnection connection, Frame.Message message);

        void onClosed(PeerConnection connection, String reason);

        /** A relay control frame (version 2) arrived: the relay's business, not messaging's. */
        void onRelay(PeerConnection connection, Frame.Relay frame);
    }

    /** Frames the send queue holds at most (MESSAGEs beyond it are refused). */
    public static final int MAX_QUEUED_FRAMES = 1024;
    /** Bytes of MESSAGE text the send queue holds at most (one MESSAGE may take it past: the first is always taken). */
    public static final int MAX_QUEUED_BYTES = 8 * 1024 * 1024;
    /** Received messages at most that wait for their ACK to be written before the next frame is read. */
    public static final int MAX_UNACKNOWLEDGED = 64;
    /** A write goes to the socket in chunks of this many bytes; each one taken is progress. */
    static final int WRITE_CHUNK = 16 * 1024;

    private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final Socket socket;
    private final Session session;
    private final String relayId;
    private final Direction direction;
    private final Instant connectedAt;
    private final RecordReader reader;
    private final RecordWriter writer;
    private final Handler handler;
    private final ConnectionObserver observer;
    private final Duration keepAliveInterval;
    private final Slot slot;
    private final Timers timers;
    private final Duration idleTimeout;
    private final LinkedBlockingDeque<Frame> outgoing = new LinkedBlockingDeque<>();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Semaphore unacknowledged = new Semaphore(MAX_UNACKNOWLEDGED);
    private final ProgressStream progress;
    private volatile Future<?> progressCheck;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(2);
    private volatile String closeReason = "open";
    /** {@link System#nanoTime} of the last MESSAGE read or written, or of this connection's start. */
    private volatile long lastMessage = System.nanoTime();

    PeerConnection(Socket socket, InputStream in, OutputStream out, Session session, Direction direction,
            Instant connectedAt, Limits limits, Duration keepAliveInterval, Duration idleTimeout, Handler handler,
            ConnectionObserver observer, Slot slot, Timers timers) throws IOException {
        this(socket, in, out, session, direction, connectedAt, limits, keepAliveInterval, idleTimeout, handler,
                observer, slot, timers, null);
    }

    /** As above; {@code relayId} names the relay whose circuit carries this connection (null: direct). */
    PeerConnection(Socket socket, InputStream in, OutputStream out, Session session, Direction direction,
            Instant connectedAt, Limits limits, Duration keepAliveInterval, Duration idleTimeout, Handler handler,
            ConnectionObserver observer, Slot slot, Timers timers, String relayId) throws IOException {
        this.relayId = relayId;
        this.socket = socket;
        this.session = session;
        this.direction = direction;
        this.connectedAt = connectedAt;
        this.handler = handler;
        this.observer = observer;
        this.keepAliveInterval = keepAliveInterval;
        this.slot = slot;
        this.timers = timers;
        this.idleTimeout = idleTimeout;
        this.progress = new ProgressStream(out);
        this.reader = new RecordReader(in, session.receiveCipher(), limits, session.version());
        this.writer = new RecordWriter(progress, session.sendCipher(), limits);
        socket.setSoTimeout((int) idleTimeout.toMillis());
    }

    void start() {
        String name = session.peer().peerId().substring(0, 8);
        Thread.ofVirtual().name("peer-recv-" + name).start(this::receiveLoop);
        Thread.ofVirtual().name("peer-send-" + name).start(this::sendLoop);
        Duration period = idleTimeout.dividedBy(4);
        progressCheck = timers.writeProgressCheck(period.toMillis() < 50 ? Duration.ofMillis(50) : period,
                this::checkWriteProgress);
    }

    public PeerKey peer() {
        return session.peer();
    }

    /** The protocol version of this connection's session (1 or 2). */
    public int protocolVersion() {
        return session.version();
    }

    /** The relay whose circuit carries this connection, null when it is direct. */
    public String relayId() {
        return relayId;
    }

    Direction direction() {
        return direction;
    }

    Instant connectedAt() {
        return connectedAt;
    }

    /** The connection slot this connection holds (and gives back when it ends). */
    Slot slot() {
        return slot;
    }

    /**
     * Since when ({@link System#nanoTime}) no MESSAGE was read or written here: the last one, or
     * the connection's start. KEEP_ALIVE and ACK do not count.
     */
    long idleSince() {
        return lastMessage;
    }

    String remoteAddress() {
        var a = (java.net.InetSocketAddress) socket.getRemoteSocketAddress();
        return a == null ? "unknown" : a.getHostString() + ":" + a.getPort();
    }

    public boolean isOpen() {
        return !closing.get();
    }

    /** Who was the client of this connection: used to break ties between duplicate connections. */
    String clientPeerId(String ownPeerId) {
        return direction == Direction.OUTBOUND ? ownPeerId : session.peer().peerId();
    }

    /**
     * Queues a frame behind those already queued. Returns false when the connection is closing, or
     * when {@code frame} is a MESSAGE and the queue already holds {@value #MAX_QUEUED_FRAMES} frames
     * or {@value #MAX_QUEUED_BYTES} bytes of text (an ACK is bounded by {@link #MAX_UNACKNOWLEDGED}).
     */
    public boolean send(Frame frame) {
        if (closing.get()) {
            return false;
        }
        if (frame instanceof Frame.Message m) {
            long bytes = textBytes(m);
            int frames = queuedMessages.incrementAndGet();
            long total = queuedBytes.addAndGet(bytes);
            if (frames > MAX_QUEUED_FRAMES || (total > MAX_QUEUED_BYTES && total != bytes)) {
                queuedMessages.decrementAndGet();
                queuedBytes.addAndGet(-bytes);
                return false;
            }
        }
        outgoing.addLast(frame);
        return true;
    }

    /** MESSAGEs queued and not yet written (tests, metrics). */
    public int queuedMessages() {
        return queuedMessages.get();
    }

    /**
     * The received message {@code id} is stored: its ACK goes out, and once it is written the
     * receive loop may read one more message.
     */
    public void acknowledge(java.util.UUID id) {
        if (!send(new Frame.Ack(id))) {
            unacknowledged.release();
        }
    }

    /** A received message that will not be acknowledged (it was not stored): frees its place. */
    public void notAcknowledged() {
        unacknowledged.release();
    }

    /** Ends the connection after the frames already queued, with a CLOSE carrying {@code code}. */
    public void close(CloseCode code, String reason) {
        if (closing.compareAndSet(false, true)) {
            closeReason = reason;
            outgoing.addLast(new Frame.Close(code));
            forceCloseLater();
        }
    }

    /**
     * Refuses a connection that was never started: sends CLOSE with {@code code} from the calling
     * thread, closes the socket, reads nothing. Returns without calling the handler.
     */
    void reject(CloseCode code) {
        closing.set(true);
        try {
            writer.write(new Frame.Close(code));
        } catch (IOException | RuntimeException e) {
            // the peer may be gone already; the socket is closed below either way
        } finally {
            release();
        }
    }

    /** Ends the connection at once: pending frames are dropped, CLOSE goes out first. */
    private void abort(CloseCode code, String reason) {
        if (closing.compareAndSet(false, true)) {
            closeReason = reason;
            outgoing.clear();
            outgoing.addFirst(new Frame.Close(code));
            forceCloseLater();
        }
    }

    /** Waits until both loops have ended. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void forceCloseLater() {
        timers.closeGraceOver(CLOSE_GRACE, () -> {
            if (finished.getCount() > 0) {
                closeSocket();
            }
        });
    }

    /** On the timer thread: a write stuck for the idle time-out ends the connection. */
    private void checkWriteProgress() {
        long since = progress.blockedSince;
        if (since != 0 && System.nanoTime() - since > idleTimeout.toNanos()) {
            log.info("Connection to {} ({}) took no data for {} s: closing", shortId(), remoteAddress(),
                    idleTimeout.toSeconds());
            markClosed("a write made no progress within the idle time-out");
        }
    }

    private static long textBytes(Frame.Message m) {
        String t = m.text();
        long n = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * The connection's output, cut into chunks of {@value #WRITE_CHUNK} bytes: while a chunk waits
     * for the socket, {@link #blockedSince} says since when.
     */
    private static final class ProgressStream extends java.io.FilterOutputStream {
        volatile long blockedSince;

        ProgressStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            blockedSince = System.nanoTime();
            try {
                out.write(b);
            } finally {
                blockedSince = 0;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int done = 0; done < len; ) {
                int n = Math.min(WRITE_CHUNK, len - done);
                blockedSince = System.nanoTime();
                try {
                    out.write(b, off + done, n);
                } finally {
                    blockedSince = 0;
                }
                done += n;
            }
        }

        @Override
        public void flush() throws IOException {
            blockedSince = System.nanoTime();
            try {
                out.flush();
            } finally {
                blockedSince = 0;
            }
        }
    }

    private void receiveLoop() {
        try {
            while (true) {
                Frame frame = reader.read();
                if (frame == null) {
                    markClosed("closed by peer (end of stream)");
                    return;
                }
                switch (frame) {
                    case Frame.Message m -> {
                        lastMessage = System.nanoTime();
                        observer.messageReceived();
                        awaitRoomForAck();
                        handler.onMessage(this, m);
                    }
                    case Frame.Ack a -> handler.onAck(this, a);
                    case Frame.KeepAlive k -> {
                        // Arrival alone proves liveness: the read time-out restarts.
                    }
                    case Frame.Close c -> {
                        markClosed("closed by peer (" + c.code() + ")");
                        return;
                    }
                    case Frame.KeyUpdate u -> throw new IllegalStateException("the reader consumes KEY_UPDATE");
                    case Frame.Relay r -> handler.onRelay(this, r);
                }
            }
        } catch (SocketTimeoutException e) {
            log.info("Connection to {} idle for too long: closing", shortId());
            abort(CloseCode.TIMEOUT, "no frame within the idle time-out");
        } catch (ProtocolException e) {
            observer.messageRejected(e.reason().tag());
            log.warn("Connection to {} ({}) broke the protocol, closing: {}", shortId(), remoteAddress(), e.toString());
            abort(e.reason().closeCode(), "protocol error: " + e.getMessage());
        } catch (IOException e) {
            markClosed(closing.get() ? closeReason : "connection lost: " + e.getMessage());
        } catch (RuntimeException e) {
            log.error("Receive loop for {} failed", shortId(), e);
            abort(CloseCode.PROTOCOL_ERROR, "internal error");
        } finally {
            finished.countDown();
            if (closing.get()) {
                // our CLOSE may still be on its way: the send loop closes the socket after it
                forceCloseLater();
            }
        }
    }

    /**
     * Waits until fewer than {@value #MAX_UNACKNOWLEDGED} received messages wait for their ACK: the
     * next frame is not read before (the peer's sends then wait on TCP's flow control).
     */
    private void awaitRoomForAck() throws IOException {
        try {
            while (!unacknowledged.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                if (closing.get()) {
                    throw new IOException("closing");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private void sendLoop() {
        try {
            while (true) {
                Frame frame = outgoing.pollFirst(keepAliveInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (frame == null) {
                    if (closing.get() && outgoing.isEmpty()) {
                        break;
                    }
                    frame = new Frame.KeepAlive();
                }
                // this frame and what else is queued now, up to BATCH_BYTES: one write, one flush
                boolean closeSent = false;
                for (Frame written : writer.writeBatch(frame, outgoing, RecordWriter.BATCH_BYTES)) {
                    // only now has the write that carried it completed
                    if (written instanceof Frame.Message m) {
                        queuedMessages.decrementAndGet();
                        queuedBytes.addAndGet(-textBytes(m));
                        lastMessage = System.nanoTime();
                        observer.messageSent();
                        handler.onWritten(this, m);
                    } else if (written instanceof Frame.Ack) {
                        unacknowledged.release();
                    }
                    closeSent |= written instanceof Frame.Close;
                }
                if (closeSent) {
                    break;
                }
            }
        } catch (IOException e) {
            markClosed(closing.get() ? closeReason : "connection lost while sending: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Send loop for {} failed", shortId(), e);
            markClosed("internal error while sending");
        } finally {
            Future<?> check = progressCheck;
            if (check != null) {
                check.cancel(false);
            }
            release();
            finished.countDown();
            handler.onClosed(this, closeReason);
        }
    }

    /** The peer is gone: nothing more can be sent; the send loop ends and reports. */
    private void markClosed(String reason) {
        if (closing.compareAndSet(false, true)) {
            closeReason = reason;
            outgoing.clear();
            closeSocket();
            // wake the send loop: its write fails on the closed socket and it reports the close
            outgoing.addFirst(new Frame.Close(CloseCode.NORMAL));
        }
    }

    /**
     * Gives back what this connection owns, the socket and the connection slot: the one place it
     * happens (the send loop's end, or {@link #reject} of a connection never started).
     */
    private void release() {
        closeSocket();
        slot.close();
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private String shortId() {
        return session.peer().peerId().substring(0, 12);
    }

    @Override
    public String toString() {
        return "PeerConnection[" + shortId() + ", " + direction + ", " + remoteAddress() + "]";
    }
}
