package io.peerlink.messaging;

import io.peerlink.transport.Sessions;
import io.peerlink.transport.Timers;
import io.peerlink.relay.Relay;
import io.peerlink.relay.RelayClient;
import io.peerlink.relay.RelaySettings;
import io.peerlink.transport.DialTarget;
import io.peerlink.transport.PeerConnectionException;
import io.peerlink.transport.Dialer;
import io.peerlink.transport.Listener;
import io.peerlink.transport.PeerDirectory;
import io.peerlink.transport.PeerConnection;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSlots;
import io.peerlink.transport.Redialer;
import io.peerlink.transport.CryptoPool;
import io.peerlink.identity.Fingerprints;
import io.peerlink.identity.Identity;
import io.peerlink.identity.PeerKey;
import io.peerlink.store.Relation;
import io.peerlink.store.Store;
import io.peerlink.store.StoredMessage;
import io.peerlink.store.StoredPeer;
import io.peerlink.store.StoreClosedException;
import io.peerlink.wire.CloseCode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer: owns the peer port ({@link Listener}), dials ({@link Dialer}, {@link Redialer}), keeps
 * one connection per known peer ({@link PeerDirectory}) and moves messages between the durable
 * {@link Store} and the connections ({@link Delivery}). This class only wires them and answers the
 * API's questions.
 */
public final class PeerConnectionService {

    /** How long the send path waits for its message to be committed. */
    public static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(PeerConnectionService.class);

    /** What {@link #connect} did. */
    public record Connected(PeerView peer, boolean created) {
    }

    /** What {@link #send} did: the stored message, and whether this call created it (false: a repeat). */
    public record Sent(StoredMessage message, boolean created) {
    }

    private final Identity identity;
    private final ConnectionSettings settings;
    private final Store store;
    private final PeerDirectory directory;
    private final Delivery delivery;
    private final Sessions sessions;
    private final Listener listener;
    private final Dialer dialer;
    private final Redialer redialer;
    private final Contacts contacts;
    private final Relations relations;
    private final Inbox inbox;
    private final ConnectionSlots connectionSlots;
    private final Timers timers;
    private final RelaySettings relaySettings;
    private final Relay relay;
    private final RelayClient relayClient;
    /** Whether {@link #timers} is this service's own (closed by {@link #stop}) or the caller's. */
    private final boolean ownTimers;
    private volatile boolean running;

    /** A service with a timer thread of its own and the default quotas (tests). */
    public PeerConnectionService(Identity identity, ConnectionSettings settings, Store store,
            ConnectionObserver observer, Clock clock) {
        this(identity, settings, store, observer, clock, new Timers(), true, Quotas.DEFAULTS, () -> Long.MAX_VALUE,
                COMMIT_TIMEOUT);
    }

    /** A service with a timer thread of its own (tests); {@code freeDisk} gives the store's free bytes. */
    public PeerConnectionService(Identity identity, ConnectionSettings settings, Store store,
            ConnectionObserver observer, Clock clock, Quotas quotas, java.util.function.LongSupplier freeDisk) {
        this(identity, settings, store, observer, clock, new Timers(), true, quotas, freeDisk, COMMIT_TIMEOUT);
    }

    /** A service whose timers run on {@code timers} (the application's one timer thread). */
    public PeerConnectionService(Identity identity, ConnectionSettings settings, Store store,
            ConnectionObserver observer, Clock clock, Timers timers) {
        this(identity, settings, store, observer, clock, timers, false, Quotas.DEFAULTS, () -> Long.MAX_VALUE,
                COMMIT_TIMEOUT);
    }

    /** As above, with the quotas and the store's free bytes ({@code freeDisk}). */
    public PeerConnectionService(Identity identity, ConnectionSettings settings, Store store,
            ConnectionObserver observer, Clock clock, Timers timers, Quotas quotas,
            java.util.function.LongSupplier freeDisk) {
        this(identity, settings, store, observer, clock, timers, false, quotas, freeDisk, COMMIT_TIMEOUT);
    }

    /** A service with a timer thread of its own and another time-out for the send path's commit wait (tests). */
    PeerConnectionService(Identity identity, ConnectionSettings settings, Store store,
            ConnectionObserver observer, Clock clock, Duration commitTimeout) {
        this(identity, settings, store, observer, clock, new Timers(), true, Quotas.DEFAULTS, () -> Long.MAX_VALUE,
                commitTimeout);
    }

    /** As above, with the relay role's settings and this peer's relays. */
    public PeerConnectionService(Identity identity, ConnectionSettings settings, Store store,
            ConnectionObserver observer, Clock clock, Timers timers, Quotas quotas,
            java.util.function.LongSupplier freeDisk, RelaySettings relaying) {
        this(identity, settings, store, observer, clock, timers, false, quotas, freeDisk, COMMIT_TIMEOUT, relaying);
    }

    /** A service with a timer thread of its own, the default quotas and these relay settings (tests). */
    public PeerConnectionService(Identity identity, ConnectionSettings settings, Store store,
            ConnectionObserver observer, Clock clock, RelaySettings relaying) {
        this(identity, settings, store, observer, clock, new Timers(), true, Quotas.DEFAULTS, () -> Long.MAX_VALUE,
                COMMIT_TIMEOUT, relaying);
    }

    private PeerConnectionService(Identity identity, ConnectionSettings settings, Store store,
            ConnectionObserver observer, Clock clock, Timers timers, boolean ownTimers, Quotas quotas,
            java.util.function.LongSupplier freeDisk, Duration commitTimeout) {
        this(identity, settings, store, observer, clock, timers, ownTimers, quotas, freeDisk, commitTimeout,
                RelaySettings.NONE);
    }

    private PeerConnectionService(Identity identity, ConnectionSettings settings, Store store,
            ConnectionObserver observer, Clock clock, Timers timers, boolean ownTimers, Quotas quotas,
            java.util.function.LongSupplier freeDisk, Duration commitTimeout, RelaySettings relaying) {
        this.timers = timers;
        this.ownTimers = ownTimers;
        this.identity = identity;
        this.settings = settings;
        this.store = store;
        SecureRandom random = new SecureRandom();
        this.directory = new PeerDirectory(identity);
        this.connectionSlots = new ConnectionSlots(settings, directory);
        this.relations = new Relations(quotas, freeDisk);
        this.contacts = new Contacts(store, directory, settings.connect(), relations);
        this.delivery = new Delivery(store, directory, settings.limits(), clock, relations, commitTimeout);
        this.relaySettings = relaying;
        this.relay = new Relay(relaying, contacts::isContact, timers);
        this.relayClient = new RelayClient(relaying, directory, timers);
        this.sessions = new Sessions(settings, directory, new RelayRouting(delivery, relay, relayClient), observer,
                clock, timers);
        this.listener = new Listener(identity, settings, observer, random, connectionSlots, contacts::isContact,
                sessions, timers);
        this.dialer = new Dialer(identity, settings, observer, random, connectionSlots, directory, sessions,
                addressBook(store), timers);
        relayClient.use(dialer, listener);
        dialer.useCircuits(relayClient);
        if (relaying.enabled()) {
            listener.acceptJoins(relay);
        }
        this.redialer = new Redialer(dialer, directory, settings.reconnectMinDelay(), settings.reconnectMaxDelay(),
                timers);
        this.inbox = new Inbox(store);
    }

    /** Trust on first use over the store, for the dialler. */
    private static Dialer.AddressBook addressBook(Store store) {
        return new Dialer.AddressBook() {
            @Override
            public Optional<String> identityAt(String address) {
                return store.peers().identityAt(address);
            }

            @Override
            public boolean keyChanged(String peerId) {
                try {
                    return store.keyChanged(peerId).get(COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } catch (ExecutionException | TimeoutException e) {
                    return true;
                }
            }
        };
    }

    /** Loads the known peers, binds the peer port, and starts dialling stored and configured peers. */
    public synchronized void start() throws IOException {
        if (running) {
            return;
        }
        List<StoredPeer> known = store.peers().known();
        relations.load(store.peers().relations(), store.messages().inboundUsage());
        for (StoredPeer p : known) {
            try {
                directory.addKnown(PeerKey.fromSpki(p.publicKey()), p.firstSeen(), p.lastSeen());
            } catch (GeneralSecurityException e) {
                log.warn("Stored key of peer {} is unreadable: skipped ({})", p.peerId(), e.getMessage());
            }
        }
        listener.start();
        running = true;
        for (StoredPeer p : known) {
            if (p.dialAddress() != null && directory.isKnown(p.peerId())) {
                redialer.keep(DialTarget.parse(p.dialAddress()), p.peerId());
            }
        }
        for (DialTarget target : settings.connect()) {
            redialer.keep(target, target.pin());
        }
        for (DialTarget relayTarget : relaySettings.relays()) {
            // the connection that carries the reservation; reserved again on each new one
            redialer.keep(relayTarget, relayTarget.pin());
        }
        log.info("Listening for peers on {}:{} as {} ({} known peer(s))", settings.listenHost(), listener.port(),
                identity.peerId(), known.size());
    }

    /** Says goodbye on every connection, ends every thread and releases the port. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        redialer.close();
        sessions.close();
        listener.close();
        relay.close();
        dialer.abortHandshakes();
        List<PeerConnection> open = directory.openConnections();
        open.forEach(c -> c.close(CloseCode.GOING_AWAY, "peer shutting down"));
        for (PeerConnection c : open) {
            try {
                c.awaitTermination(Duration.ofSeconds(3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (ownTimers) {
            timers.close();
        }
        log.info("Stopped: {} connection(s) closed, peer port released", open.size());
    }

    /** This peer's relays and their reservations. */
    public List<RelayClient.Status> relays() {
        return relayClient.statuses();
    }

    /** The relay role (counts for health and tests). */
    public Relay relay() {
        return relay;
    }

    /** {@code peerId} is reachable through {@code relays} (from its invite): dials try them after the direct address. */
    public void learnRelays(String peerId, List<DialTarget> relays) {
        relayClient.learn(peerId, relays);
    }

    public boolean isListening() {
        return running && listener.isListening();
    }

    /** The bound peer port (useful when configured as 0). */
    public int listenPort() {
        return listener.port();
    }

    public Identity identity() {
        return identity;
    }

    public Store store() {
        return store;
    }

    /** The inbound messages, for polling. */
    public Inbox inbox() {
        return inbox;
    }

    public int connectedCount() {
        return directory.connectedCount();
    }

    /** Connection slots not taken (tests: every slot comes back once its connection ends). */
    public int freeConnectionSlots() {
        return connectionSlots.free();
    }

    /** Inbound handshakes holding a handshake slot (tests). */
    public int handshakesInProgress() {
        return listener.handshakesInProgress();
    }

    /** The pool of the inbound handshakes' crypto steps (tests). */
    public CryptoPool handshakeCrypto() {
        return listener.crypto();
    }

    /** The open connection to the peer (tests). */
    Optional<PeerConnection> connectionTo(String peerId) {
        return directory.connection(peerId);
    }

    // ------------------------------------------------------------------ peers

    /**
     * Dials {@code host:port} and runs the handshake, or gives back the existing connection when the
     * peer there is already connected. With {@code expectedFingerprint}, a server with any other
     * identity is refused right after its hello, before our identity is revealed to it. The address
     * is dialled again whenever the connection drops, until the peer is forgotten.
     */
    public Connected connect(String host, int port, String expectedFingerprint) {
        return connect(new DialTarget(host, port,
                expectedFingerprint == null ? null : Fingerprints.normalise(expectedFingerprint)));
    }

    /**
     * Dials the target (see {@link Dialer#dial}) and keeps dialling it whenever the connection drops,
     * until the peer is forgotten.
     */
    /**
     * Connects as an invite says: its relays are remembered for its peer (tried after the direct
     * address, now and on every re-dial), then the direct address is dialled, or, without one, the
     * relays only.
     */
    public Connected connect(io.peerlink.transport.Invite.Link link) {
        requireRunning();
        if (link.peerId() != null) {
            relayClient.learn(link.peerId(), link.relays());
        }
        if (link.direct() != null) {
            return connect(link.direct());
        }
        Dialer.Dialled d = dialer.dialThroughRelays(link.peerId());
        delivery.recorded(d.peerId()).ifPresent(PeerConnectionService::await);
        PeerView view = contacts.view(d.peerId()).orElseThrow(() -> new PeerConnectionException(
                PeerConnectionException.Kind.HANDSHAKE_FAILED, "the connection to " + link.peerId()
                        + " ended right after its handshake"));
        return new Connected(view, d.created());
    }

    public Connected connect(DialTarget target) {
        requireRunning();
        Dialer.Dialled d = dialer.dial(target);
        // what the API shows of the peer next (its addresses, its name) is committed
        delivery.recorded(d.peerId()).ifPresent(PeerConnectionService::await);
        redialer.keep(new DialTarget(target.host(), target.port(), null), d.peerId());
        PeerView view = contacts.view(d.peerId()).orElseThrow(() -> new PeerConnectionException(
                PeerConnectionException.Kind.HANDSHAKE_FAILED, "the connection to " + target.address()
                        + " ended right after its handshake"));
        return new Connected(view, d.created());
    }

    public List<PeerView> peers() {
        return contacts.views();
    }

    /** The known peer that {@code peerIdOrAlias} names (a peerId, a fingerprint or an alias). */
    public Optional<PeerView> peer(String peerIdOrAlias) {
        return contacts.resolve(peerIdOrAlias).flatMap(contacts::view);
    }

    /** The peerId of the known peer that {@code peerIdOrAlias} names. */
    public Optional<String> resolve(String peerIdOrAlias) {
        return contacts.resolve(peerIdOrAlias);
    }

    /** Names a peer; {@code alias} null clears its name. */
    public PeerView rename(String peerIdOrAlias, String alias) {
        return contacts.rename(peerIdOrAlias, alias);
    }

    /** Marks a peer VERIFIED when {@code safetyNumber} is the one both sides compute. */
    public PeerView verify(String peerIdOrAlias, String safetyNumber) {
        return contacts.verify(peerIdOrAlias, safetyNumber);
    }

    /** Takes a peer's verification back. */
    public PeerView unverify(String peerIdOrAlias) {
        return contacts.unverify(peerIdOrAlias);
    }

    /**
     * Forgets the peer: closes its connection with a goodbye, stops dialling it, and marks its
     * undelivered messages FAILED. False when it was not known.
     */
    public boolean forget(String peerIdOrAlias) {
        Optional<String> known = contacts.resolve(peerIdOrAlias);
        if (known.isEmpty()) {
            return false;
        }
        String id = known.get();
        if (!directory.forget(id)) {
            return false;
        }
        redialer.forget(id);
        await(store.forgetPeer(id));
        relations.forget(id);
        log.info("Forgot peer {}", id);
        return true;
    }

    /**
     * Makes a message request a contact: what it sends is stored up to the contacts' quota from now
     * on (its messages held back by the request quota arrive when it sends them again). A contact
     * stays one; a blocked peer must be unblocked first (RELATION).
     */
    public PeerView accept(String peerIdOrAlias) {
        String id = contacts.require(peerIdOrAlias);
        Relation current = relations.relation(id).orElse(Relation.REQUEST);
        if (current == Relation.BLOCKED) {
            throw new PeerConnectionException(PeerConnectionException.Kind.RELATION,
                    "peer " + id + " is blocked: lift the block first (DELETE /api/peers/" + id + "/block)");
        }
        if (current == Relation.REQUEST) {
            // applied once committed, also when that comes after this call's wait (503)
            await(store.setRelation(id, Relation.CONTACT, "accepted").thenRun(() -> {
                relations.change(id, Relation.CONTACT);
                log.info("Accepted the message request of {}", id);
            }));
        }
        return contacts.view(id).orElseThrow();
    }

    /**
     * Blocks a peer: its connection is closed (CLOSE BLOCKED), every later one right after its
     * handshake, nothing it sends is stored, and this peer stops dialling it. Survives restarts and
     * forgetting. Blocking a blocked peer changes nothing.
     */
    public PeerView block(String peerIdOrAlias) {
        String id = contacts.require(peerIdOrAlias);
        if (relations.relation(id).orElse(null) != Relation.BLOCKED) {
            // applied once committed, also when that comes after this call's wait (503)
            await(store.setRelation(id, Relation.BLOCKED, "blocked").thenRun(() -> {
                relations.change(id, Relation.BLOCKED);
                redialer.forget(id);
                directory.connection(id).ifPresent(c -> c.close(CloseCode.BLOCKED, "blocked by the user"));
                log.info("Blocked {}", id);
            }));
        }
        return contacts.view(id).orElseThrow();
    }

    /**
     * Lifts a block: the peer is a message request again (accept makes it a contact; dialling it
     * does too). RELATION when it is not blocked.
     */
    public PeerView unblock(String peerIdOrAlias) {
        String id = contacts.require(peerIdOrAlias);
        if (relations.relation(id).orElse(null) != Relation.BLOCKED) {
            throw new PeerConnectionException(PeerConnectionException.Kind.RELATION, "peer " + id + " is not blocked");
        }
        // applied once committed, also when that comes after this call's wait (503)
        await(store.setRelation(id, Relation.REQUEST, "unblocked").thenRun(() -> {
            relations.change(id, Relation.REQUEST);
            log.info("Lifted the block of {}", id);
        }));
        return contacts.view(id).orElseThrow();
    }

    // ------------------------------------------------------------------ messages

    /**
     * Stores a message for a peer and returns once it is committed. {@code to} may be null when
     * exactly one peer is connected. The message goes out at once on an open connection, or on the
     * next connection to the peer. With {@code id} (the client's idempotency key), a repeat with the
     * same recipient and text gives back the stored message and sends nothing; other content under
     * that id is refused.
     */
    public Sent send(String to, String text, UUID id) {
        requireRunning();
        return delivery.accept(contacts.recipient(to), text, id);
    }

    /** {@link #send(String, String, UUID)} with a fresh id. */
    public Sent send(String to, String text) {
        return send(to, text, null);
    }

    private void requireRunning() {
        if (!running) {
            throw new PeerConnectionException(PeerConnectionException.Kind.STOPPED, "the peer service is not running");
        }
    }

    /** Waits for a store write to commit, turning its failures into API errors. */
    static <T> T await(CompletableFuture<T> write) {
        return await(write, COMMIT_TIMEOUT);
    }

    /** As {@link #await(CompletableFuture)}, waiting at most {@code timeout}. */
    static <T> T await(CompletableFuture<T> write, Duration timeout) {
        try {
            return write.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerConnectionException(PeerConnectionException.Kind.STOPPED, "the peer is shutting down");
        } catch (TimeoutException e) {
            throw new PeerConnectionException(PeerConnectionException.Kind.COMMIT_TIMEOUT,
                    "the store did not commit within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoreClosedException) {
                throw new PeerConnectionException(PeerConnectionException.Kind.STOPPED, "the peer is shutting down");
            }
            throw new IllegalStateException("store write failed", e.getCause());
        }
    }
}
