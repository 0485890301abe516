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
 * send direction emits KEEP_ALIVE; a receive direction silent for the idle time-out, a read error,
 * an end of stream or any protocol error ends the connection.
 */
public final class PeerConnection {

    /** What the connection tells its owner. */
    public interface Handler {
        void onMessage(PeerConnection connection, Frame.Message message);

        void onAck(PeerConnection connection, Frame.Ack ack);

        /** {@code message} was written to the socket (it may still be lost with the connection). */
        void onWritten(PeerConnection connection, Frame.Message message);

        void onClosed(PeerConnection connection, String reason);
    }

    private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final Socket socket;
    private final Session session;
    private final Direction direction;
    private final Instant connectedAt;
    private final RecordReader reader;
    private final RecordWriter writer;
    private final Handler handler;
    private final ConnectionObserver observer;
    private final Duration keepAliveInterval;
    private final Slot slot;
    private final LinkedBlockingDeque<Frame> outgoing = new LinkedBlockingDeque<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(2);
    private volatile String closeReason = "open";

    PeerConnection(Socket socket, InputStream in, OutputStream out, Session session, Direction direction,
            Instant connectedAt, Limits limits, Duration keepAliveInterval, Duration idleTimeout, Handler handler,
            ConnectionObserver observer, Slot slot) throws IOException {
        this.socket = socket;
        this.session = session;
        this.direction = direction;
        this.connectedAt = connectedAt;
        this.handler = handler;
        this.observer = observer;
        this.keepAliveInterval = keepAliveInterval;
        this.slot = slot;
        this.reader = new RecordReader(in, session.receiveCipher(), limits);
        this.writer = new RecordWriter(out, session.sendCipher(), limits);
        socket.setSoTimeout((int) idleTimeout.toMillis());
    }

    void start() {
        String name = session.peer().peerId().substring(0, 8);
        Thread.ofVirtual().name("peer-recv-" + name).start(this::receiveLoop);
        Thread.ofVirtual().name("peer-send-" + name).start(this::sendLoop);
    }

    public PeerKey peer() {
        return session.peer();
    }

    Direction direction() {
        return direction;
    }

    Instant connectedAt() {
        return connectedAt;
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

    /** Queues a frame behind those already queued. Returns false when the connection is closing. */
    public boolean send(Frame frame) {
        if (closing.get()) {
            return false;
        }
        outgoing.addLast(frame);
        return true;
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
            closeSocket();
            slot.close();
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
        Thread.ofVirtual().name("peer-close").start(() -> {
            try {
                if (!finished.await(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    closeSocket();
                }
            } catch (InterruptedException e) {
                closeSocket();
            }
        });
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
                        observer.messageReceived();
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
                        observer.messageSent();
                        handler.onWritten(this, m);
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
            closeSocket();
            slot.close();
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
