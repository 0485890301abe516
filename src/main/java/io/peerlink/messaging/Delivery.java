package io.peerlink.messaging;

import io.peerlink.identity.PeerKey;
import io.peerlink.store.MessageRepository;
import io.peerlink.store.Store;
import io.peerlink.store.StoredMessage;
import io.peerlink.transport.Direction;
import io.peerlink.transport.PeerConnection;
import io.peerlink.transport.PeerConnectionException;
import io.peerlink.transport.PeerDirectory;
import io.peerlink.transport.Sessions;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.Frame;
import io.peerlink.wire.Limits;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves messages between the store and the connections: what the connections report (a message
 * arrived, an ACK arrived, a message was written, the connection ended) becomes a store write, and
 * each connection gets the peer's undelivered messages, oldest first, through a window.
 *
 * <p>The window: per connection at most {@value #WINDOW_MESSAGES} messages and
 * {@value #WINDOW_BYTES} bytes of text (plus one message, the first of a read, which is always
 * taken) are in flight, queued or written and not yet acknowledged. They are read from the store
 * in cursor order, after the last one read for this connection, so each message goes out once per
 * connection whatever the backlog; an ACK frees its place, and once the window is half empty the
 * next ones are read. A message accepted while the peer is connected goes into the window without
 * a read when the last read reached the end of the backlog and the window has room; otherwise a read
 * takes it, as any backlog. A message written and never acknowledged goes out again on
 * the next connection. An inbound message is acknowledged only after it is committed here.
 *
 * <p>Delivery talks to the transport through the transport's callbacks ({@link Sessions.Owner}: a
 * peer handshaken, a connection attached, a message received, written or acknowledged, a connection
 * ended) and a {@link Route} per connection (is it open, queue this message): another route to a
 * peer (a relay, a mailbox) would be one more {@link Route} beside the direct connection.
 *
 * <p>Thread-safe: called from every connection's threads and from the send path.
 */
public final class Delivery implements Sessions.Owner {

    /** Messages in flight on one connection at most. */
    public static final int WINDOW_MESSAGES = 256;
    /** Bytes of text in flight on one connection at most (plus one message). */
    public static final long WINDOW_BYTES = 4L * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    private final Store store;
    private final PeerDirectory directory;
    private final Limits limits;
    private final Clock clock;
    private final Duration commitTimeout;
    private final Map<PeerConnection, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> recorded = new ConcurrentHashMap<>();
    /** Connections that were refused a message: nothing later on them is stored (order is kept). */
    private final java.util.Set<PeerConnection> refusing = ConcurrentHashMap.newKeySet();
    /** Per connection, the last inbound message's store write and ACK (a refusal closes after it). */
    private final Map<PeerConnection, CompletableFuture<?>> lastAck = new ConcurrentHashMap<>();
    private final Relations relations;
    /** Per peer, the refusal its last connection ended with, while it keeps refusing (an entry per peer at most). */
    private final Map<String, CloseCode> refusedWith = new ConcurrentHashMap<>();
    /** What {@link #admit} decided, until {@link #handshaken} records it (an entry per peer at most). */
    private final Map<String, Relations.Admission> admitted = new ConcurrentHashMap<>();

    public Delivery(Store store, PeerDirectory directory, Limits limits, Clock clock, Relations relations) {
        this(store, directory, limits, clock, relations, PeerConnectionService.COMMIT_TIMEOUT);
    }

    /** As above, with another time-out for the send path's commit wait (tests). */
    Delivery(Store store, PeerDirectory directory, Limits limits, Clock clock, Relations relations,
            Duration commitTimeout) {
        this.store = store;
        this.directory = directory;
        this.limits = limits;
        this.clock = clock;
        this.commitTimeout = commitTimeout;
        this.relations = relations;
    }

    static Frame.Message frame(StoredMessage m) {
        return new Frame.Message(m.id(), m.createdAt().toEpochMilli(), m.text());
    }

    /** Admits a handshaken peer by its relation and quotas (in memory), or says why not. */
    @Override
    public CloseCode admit(PeerKey peer, Direction direction, String dialAddress) {
        // this peer's own dial (direct or through a relay) makes a contact; an inbound one a request
        Relations.Admission admission = relations.admit(peer.peerId(), direction == Direction.OUTBOUND);
        if (admission.refusal() != null) {
            return admission.refusal();
        }
        admitted.put(peer.peerId(), admission);
        return null;
    }

    /**
     * Records the handshake without waiting: the write is queued before the connection reads
     * anything, so every write about what it receives commits after it, in the writer's order.
     * {@link #recorded} gives the write to a caller that must see it committed.
     */
    @Override
    public void handshaken(PeerKey peer, Direction direction, String dialAddress) {
        Relations.Admission admission = admitted.remove(peer.peerId());
        if (admission == null) {
            // admitted by a connection that lost to this one: its relation is the same
            admission = relations.admit(peer.peerId(), direction == Direction.OUTBOUND);
        }
        if (admission.newRequest()) {
            log.info("Message request from {}: its messages are stored up to the request quota until accepted",
                    peer.peerId());
        }
        CompletableFuture<Void> write = store.peerConnected(peer.peerId(), peer.spki(), dialAddress,
                admission.relation(), admission.newRequest());
        recorded.put(peer.peerId(), write);
        write.whenComplete((ok, failure) -> {
            recorded.remove(peer.peerId(), write);
            if (failure != null) {
                log.warn("Peer {} not stored: {}", peer.peerId(), failure.toString());
            }
        });
    }

    /** The store write of the peer's last handshake while it is not committed yet. */
    Optional<CompletableFuture<Void>> recorded(String peerId) {
        return Optional.ofNullable(recorded.get(peerId));
    }

    /** Starts the connection's window: the undelivered messages go out, oldest first. */
    @Override
    public void attached(PeerConnection c) {
        Window w = new Window(Route.direct(c));
        windows.put(c, w);
        if (!c.isOpen()) {
            windows.remove(c, w);
            return;
        }
        int waiting = w.fill();
        if (waiting > 0) {
            log.info("Sending undelivered messages to {} again, from the oldest", c.peer().peerId());
        }
    }

    /**
     * Stores a message for {@code recipient} and, once committed, has the peer's open connection
     * read it if it has one (else the next connection sends it). With {@code id} (the client's
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
        // a peer that just connected is recorded without the connection waiting for it: its row must be
        // committed before a message to it can refer to it
        recorded(recipient).ifPresent(PeerConnectionService::await);
        CompletableFuture<Store.Accepted> write = store.acceptOutbound(messageId, recipient, text);
        Store.Accepted accepted;
        try {
            accepted = PeerConnectionService.await(write, commitTimeout);
        } catch (PeerConnectionException e) {
            if (e.kind() != PeerConnectionException.Kind.COMMIT_TIMEOUT) {
                throw e;
            }
            // committed later: the open connection's window reads it then, as had this call waited
            write.thenAccept(late -> {
                if (late.created()) {
                    offer(late.message());
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
        // after the commit: either the open connection's window takes it now, or the next one reads it
        offer(m);
        return new PeerConnectionService.Sent(m, true);
    }

    /** A message just committed goes to the window of the peer's open connection, if it has one. */
    private void offer(StoredMessage m) {
        directory.connection(m.peerId()).map(windows::get).ifPresent(w -> w.offer(m));
    }

    @Override
    public void onMessage(PeerConnection connection, Frame.Message m) {
        String peerId = connection.peer().peerId();
        if (refusing.contains(connection)) {
            // refused once: nothing later on this connection is stored, so the sender's order holds
            connection.notAcknowledged();
            return;
        }
        long bytes = m.text().getBytes(StandardCharsets.UTF_8).length;
        CloseCode refusal = relations.reserve(peerId, bytes);
        if (refusal != null) {
            // not stored, not acknowledged: the sender keeps it and sends it again on a later connection
            refusing.add(connection);
            connection.notAcknowledged();
            log.info("Connection to {}: message {} not stored ({}): closing; the sender keeps it", peerId, m.id(),
                    refusal);
            // after the ACKs of what was stored before it, so the sender does not send those again
            CompletableFuture<?> before = lastAck.get(connection);
            if (before == null) {
                connection.close(refusal, "message not stored: " + refusal);
            } else {
                before.whenComplete((r, f) -> connection.close(refusal, "message not stored: " + refusal));
            }
            return;
        }
        CompletableFuture<Optional<StoredMessage>> stored = store.storeInbound(peerId, m.id(), m.text(),
                Instant.ofEpochMilli(m.sentAtMillis()));
        // ACK only once committed: an ACK promises the message survives a crash here. A copy of a
        // message stored before is acknowledged again: its sender re-sends until it sees an ACK.
        lastAck.put(connection, stored.whenComplete((result, failure) -> {
            if (failure != null || result.isEmpty()) {
                relations.release(peerId, bytes);
            }
            if (failure == null) {
                connection.acknowledge(m.id());
            } else {
                connection.notAcknowledged();
                log.warn("Message {} from {} not stored ({}): not acknowledged, the sender will send it again",
                        m.id(), connection.peer().peerId(), failure.toString());
            }
        }));
    }

    /**
     * The peer presented a one-time grant: once the store has decided (an open grant is used and the
     * request becomes a CONTACT in one commit, see {@link Store#redeemGrant}), the relation here
     * follows. Waits for that commit (at most the commit time-out): the receive loop reads the
     * peer's next frame only after it, so every message after the GRANT counts against the relation
     * the grant gave. The token is wiped here and never logged.
     */
    @Override
    public void onGrant(PeerConnection connection, Frame.Grant grant) {
        String peerId = connection.peer().peerId();
        byte[] token = grant.token();
        grant.wipe();
        byte[] hash = Grants.hash(token);
        java.util.Arrays.fill(token, (byte) 0);
        CompletableFuture<Store.Redemption> decided = store.redeemGrant(peerId, hash).thenApply(outcome -> {
            if (outcome == Store.Redemption.GRANTED) {
                relations.change(peerId, io.peerlink.store.Relation.CONTACT);
            }
            return outcome;
        });
        Store.Redemption outcome;
        try {
            outcome = PeerConnectionService.await(decided, commitTimeout);
        } catch (PeerConnectionException e) {
            // the commit still applies the grant when it comes; until then the peer is what it was
            log.warn("The grant {} presented is not decided yet ({}): it stays a request until it is", peerId,
                    e.getMessage());
            return;
        }
        switch (outcome) {
            case GRANTED -> log.info("{} presented an open invite grant: a contact now, no accept needed", peerId);
            case NOT_NEEDED -> log.info("{} presented an invite grant but is no message request: the grant stays open",
                    peerId);
            case USED -> log.info("{} presented an invite grant that was used before: it stays a message request",
                    peerId);
            case EXPIRED -> log.info("{} presented an expired invite grant: it stays a message request", peerId);
            case UNKNOWN -> log.info("{} presented an invite grant this peer never gave out: it stays a message "
                    + "request", peerId);
        }
    }

    @Override
    public void onAck(PeerConnection connection, Frame.Ack ack) {
        CompletableFuture<?> delivered = store.markDelivered(connection.peer().peerId(), ack.id());
        Window w = windows.get(connection);
        if (w != null) {
            boolean refill = w.acknowledged(ack.id());
            // after acknowledged(): its DELIVERED may be committed already
            delivered.whenComplete((r, f) -> w.delivered(ack.id()));
            if (refill) {
                w.fill();
            }
        }
    }

    @Override
    public void onWritten(PeerConnection connection, Frame.Message message) {
        store.markSent(message.id());
    }

    /** Relay control frames are not messaging's: {@link RelayRouting} takes them before they get here. */
    @Override
    public void onRelay(PeerConnection connection, Frame.Relay frame) {
        throw new IllegalStateException("relay frames go to the relay, not to messaging");
    }

    @Override
    public void onClosed(PeerConnection connection, String reason) {
        windows.remove(connection);
        refusing.remove(connection);
        lastAck.remove(connection);
        String peerId = connection.peer().peerId();
        if (directory.detach(connection, clock.instant())) {
            store.peerDisconnected(peerId);
            // the peer takes nothing more from this one for now: said once per kind of refusal (the
            // re-dials it answers the same way, with back-off, add nothing), until a connection ends
            // without one
            CloseCode refusal = directory.refusal(peerId);
            CloseCode before = refusal == null ? refusedWith.remove(peerId) : refusedWith.put(peerId, refusal);
            if (refusal != null && refusal != before) {
                log.info("{} refused this peer ({}): its messages wait here until it takes them", peerId, refusal);
                store.refusedBy(peerId, refusal.name());
            }
        }
        log.info("Connection to {} closed: {}", connection.peer().peerId(), reason);
    }

    /** Messages in flight on the peer's open connection (tests). */
    int inFlight(String peerId) {
        return directory.connection(peerId).map(windows::get).map(Window::size).orElse(0);
    }

    /**
     * One route's messages in flight. Messages come into it two ways: a store read (the backlog, after
     * the last cursor read, oldest first), or an offer of a message just committed ({@link #offer}),
     * taken without a read when the last read reached the end of the peer's undelivered messages
     * ({@link #exhausted}) and the window has room: every message committed after that read is
     * offered by the call that stored it, so nothing can be missed. Without room the offer clears
     * {@link #exhausted}, and the next read (after the ACKs that make room) takes it from the store.
     * A read passes over what is in flight or acknowledged and not yet DELIVERED (offered messages
     * may have cursors above the last one read), so each message goes out once per connection.
     *
     * <p>One thread at a time reads the store for it; a request to fill while it reads makes it read
     * again once done. Guarded by its own monitor (never held during a store read or a send).
     */
    private final class Window {
        private final Route route;
        private final String peerId;
        private final Map<UUID, Long> inFlight = new HashMap<>();
        /** Acknowledged, their DELIVERED not committed yet: a read passes over them. */
        private final java.util.Set<UUID> delivering = new java.util.HashSet<>();
        private long inFlightBytes;
        /** The cursor the last store read reached (offered messages do not move it). */
        private long lastCursor;
        /** The last read reached the end of the backlog: messages committed since are offered. */
        private boolean exhausted;
        private boolean reading;
        private boolean again;

        Window(Route route) {
            this.route = route;
            this.peerId = route.peerId();
        }

        synchronized int size() {
            return inFlight.size();
        }

        /**
         * Frees the place of an acknowledged message; true when the window is half empty and the
         * store may hold more for it (a read is due).
         */
        synchronized boolean acknowledged(UUID id) {
            Long bytes = inFlight.remove(id);
            if (bytes == null) {
                return false;
            }
            delivering.add(id);
            inFlightBytes -= bytes;
            return !exhausted && inFlight.size() <= WINDOW_MESSAGES / 2 && inFlightBytes <= WINDOW_BYTES / 2;
        }

        /** The acknowledged message's DELIVERED is committed (or failed): a read finds it no more. */
        synchronized void delivered(UUID id) {
            delivering.remove(id);
        }

        /**
         * A message to this peer was just committed: it goes out at once when the window has room and
         * nothing older waits in the store; otherwise a read takes it (now, or once ACKs make room).
         */
        void offer(StoredMessage m) {
            long size = m.text().getBytes(StandardCharsets.UTF_8).length;
            boolean direct;
            synchronized (this) {
                if (m.cursor() <= lastCursor || inFlight.containsKey(m.id()) || delivering.contains(m.id())) {
                    return; // a read took it
                }
                if (reading) {
                    // the read under way reads again when done (or, with the window full, the ACKs do)
                    again = true;
                    exhausted = false;
                    return;
                }
                boolean room = inFlight.size() < WINDOW_MESSAGES
                        && (inFlight.isEmpty() || inFlightBytes + size <= WINDOW_BYTES);
                if (!room) {
                    exhausted = false; // it waits in the store for the read that follows the ACKs
                    return;
                }
                if (exhausted) {
                    inFlight.put(m.id(), size);
                    inFlightBytes += size;
                }
                direct = exhausted;
            }
            if (direct) {
                route.send(frame(m)); // false: closed, the next connection sends it
            } else {
                fill();
            }
        }

        /** Reads the next messages into the window and queues them; returns how many it queued. */
        int fill() {
            synchronized (this) {
                if (reading) {
                    again = true;
                    return 0;
                }
                reading = true;
            }
            int queued = 0;
            try {
                while (true) {
                    long after;
                    int count;
                    long bytes;
                    java.util.Set<UUID> skip = java.util.Set.of();
                    synchronized (this) {
                        again = false;
                        after = lastCursor;
                        count = WINDOW_MESSAGES - inFlight.size();
                        bytes = WINDOW_BYTES - inFlightBytes;
                        if (count > 0 && bytes > 0 && !(inFlight.isEmpty() && delivering.isEmpty())) {
                            skip = new java.util.HashSet<>(inFlight.keySet());
                            skip.addAll(delivering);
                        }
                    }
                    if (count > 0 && bytes > 0 && route.isOpen()) {
                        MessageRepository.Undelivered next =
                                store.messages().undeliveredAfter(peerId, after, count, bytes, skip);
                        synchronized (this) {
                            // an offer during the read may hold a message the read did not see
                            exhausted = next.complete() && !again;
                            if (next.messages().isEmpty()) {
                                lastCursor = Math.max(lastCursor, next.cursor());
                            }
                        }
                        for (StoredMessage m : next.messages()) {
                            synchronized (this) {
                                lastCursor = Math.max(lastCursor, m.cursor());
                                long size = m.text().getBytes(StandardCharsets.UTF_8).length;
                                inFlight.put(m.id(), size);
                                inFlightBytes += size;
                            }
                            if (!route.send(frame(m))) {
                                return queued; // closed: the next connection sends it
                            }
                            queued++;
                        }
                        synchronized (this) {
                            lastCursor = Math.max(lastCursor, next.cursor());
                        }
                    }
                    synchronized (this) {
                        if (!again) {
                            reading = false;
                            return queued;
                        }
                    }
                }
            } catch (RuntimeException e) {
                // the store failed a read: this connection stops sending; the next one starts over
                log.warn("Reading the undelivered messages to {} failed: {}", peerId, e.toString());
                route.abandon("the store failed a read");
                return queued;
            } finally {
                synchronized (this) {
                    reading = false;
                }
            }
        }
    }
}
