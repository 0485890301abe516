package io.peerlink.connection;

import io.peerlink.store.Store;
import io.peerlink.store.StoredMessage;
import io.peerlink.wire.Frame;
import io.peerlink.wire.Limits;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves messages between the store and the connections: what the connections report
 * (a message arrived, an ACK arrived, a message was written, the connection ended) becomes a store
 * write, and on every new connection the peer's undelivered messages go out again, oldest first.
 * An inbound message is acknowledged only after it is committed here.
 *
 * <p>Thread-safe: called from every connection's threads and from the send path.
 */
final class Delivery implements PeerConnection.Handler {

    /** Undelivered messages queued on one new connection at most; the rest follow on the next one. */
    static final int MAX_FLUSH = 100_000;

    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    private final Store store;
    private final PeerDirectory directory;
    private final Limits limits;
    private final Clock clock;
    private final Duration commitTimeout;

    Delivery(Store store, PeerDirectory directory, Limits limits, Clock clock, Duration commitTimeout) {
        this.store = store;
        this.directory = directory;
        this.limits = limits;
        this.clock = clock;
        this.commitTimeout = commitTimeout;
    }

    static Frame.Message frame(StoredMessage m) {
        return new Frame.Message(m.id(), m.createdAt().toEpochMilli(), m.text());
    }

    /**
     * A connection was attached: records the handshake, and waits for the commit, so that a peer
     * the API reports connected is also a stored, known peer (and so before any of its messages).
     */
    void connected(PeerConnection c, String dialAddress) {
        try {
            store.peerConnected(c.peer().peerId(), c.peer().spki(), dialAddress)
                    .get(PeerConnectionService.COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Peer {} not stored: {}", c.peer().peerId(), e.toString());
        }
    }

    /** Queues every undelivered message to the connection's peer on it, oldest first. */
    void flushUndelivered(PeerConnection c) {
        List<StoredMessage> pending = store.messages().undelivered(c.peer().peerId(), MAX_FLUSH);
        for (StoredMessage m : pending) {
            c.send(frame(m));
        }
        if (!pending.isEmpty()) {
            log.info("Sending {} undelivered message(s) to {} again", pending.size(), c.peer().peerId());
        }
    }

    /**
     * Stores a message for {@code recipient} and, once committed, hands it to the peer's open
     * connection if it has one (else the next connection sends it). With {@code id} (the client's
     * idempotency key), a repeat with the same recipient and text gives back the stored message and
     * sends nothing; other content under that id is refused.
     *
     * <p>The id is chosen before the wait, so that a commit that takes longer than the time-out
     * ({@link PeerConnectionException.Kind#COMMIT_TIMEOUT}) names the message: it is still
     * committed and sent once the store gets to it, and a retry with that id gives back the stored
     * message (or waits for it) instead of sending it twice.
     */
    PeerConnectionService.Sent accept(String recipient, String text, UUID id) {
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxMessageBytes()) {
            throw new PeerConnectionException(PeerConnectionException.Kind.TOO_LARGE, "text is " + bytes
                    + " bytes of UTF-8, the limit is " + limits.maxMessageBytes());
        }
        UUID messageId = id == null ? UUID.randomUUID() : id;
        CompletableFuture<Store.Accepted> write = store.acceptOutbound(messageId, recipient, text);
        Store.Accepted accepted;
        try {
            accepted = PeerConnectionService.await(write, commitTimeout);
        } catch (PeerConnectionException e) {
            if (e.kind() != PeerConnectionException.Kind.COMMIT_TIMEOUT) {
                throw e;
            }
            // committed later: sent then, as it would have been had this call waited (off the writer thread)
            write.thenAcceptAsync(late -> {
                if (late.created()) {
                    directory.withConnection(late.message().peerId(), c -> c.send(frame(late.message())));
                }
            });
            throw new PeerConnectionException(PeerConnectionException.Kind.COMMIT_TIMEOUT, e.getMessage()
                    + "; the message may still be sent: retry with id " + messageId + " to send it at most once",
                    messageId);
        }
        StoredMessage m = accepted.message();
        if (!accepted.created()) {
            if (!m.peerId().equals(recipient) || !m.text().equals(text)) {
                throw new PeerConnectionException(PeerConnectionException.Kind.ID_CONFLICT, "message " + m.id()
                        + " was stored before with other content; use a new id for a new message");
            }
            return new PeerConnectionService.Sent(m, false);
        }
        // after the commit: either this finds the connection, or the connection's flush finds the row
        directory.withConnection(m.peerId(), c -> c.send(frame(m)));
        return new PeerConnectionService.Sent(m, true);
    }

    @Override
    public void onMessage(PeerConnection connection, Frame.Message m) {
        CompletableFuture<?> stored = store.storeInbound(connection.peer().peerId(), m.id(), m.text(),
                java.time.Instant.ofEpochMilli(m.sentAtMillis()));
        // ACK only once committed: an ACK promises the message survives a crash here. A copy of a
        // message stored before is acknowledged again: its sender re-sends until it sees an ACK.
        stored.whenComplete((result, failure) -> {
            if (failure == null) {
                connection.send(new Frame.Ack(m.id()));
            } else {
                log.warn("Message {} from {} not stored ({}): not acknowledged, the sender will send it again",
                        m.id(), connection.peer().peerId(), failure.toString());
            }
        });
    }

    @Override
    public void onAck(PeerConnection connection, Frame.Ack ack) {
        store.markDelivered(connection.peer().peerId(), ack.id());
    }

    @Override
    public void onWritten(PeerConnection connection, Frame.Message message) {
        store.markSent(message.id());
    }

    @Override
    public void onClosed(PeerConnection connection, String reason) {
        if (directory.detach(connection, clock.instant())) {
            store.peerDisconnected(connection.peer().peerId());
        }
        log.info("Connection to {} closed: {}", connection.peer().peerId(), reason);
    }
}
