package io.peerlink.transport;

import io.peerlink.identity.Fingerprints;
import io.peerlink.identity.Identity;
import io.peerlink.identity.PeerKey;
import io.peerlink.wire.CloseCode;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The known peers and their one current connection each. Attaching a new connection, replacing
 * an old one and forgetting a peer happen under the peer's entry lock, so a connection is never
 * left on an entry that is no longer in the directory: a forgotten entry is marked removed, and an
 * attach that finds it so starts again on a fresh entry.
 *
 * <p>Thread-safe. Under an entry's lock nothing waits: no store call, no socket write (a connection
 * is started, or its queue written, neither of which takes an entry lock).
 */
public final class PeerDirectory {

    /**
     * What the directory knows of a peer: its key, its current or last connection.
     *
     * @param address the remote socket address of the current or last connection
     * @param direction who dialled the current or last connection
     * @param relayId the relay whose circuit carries the current connection; null when it is direct or
     *        there is none
     */
    public record Presence(PeerKey key, String safetyNumber, String address, Direction direction, boolean connected,
            Instant connectedAt, Instant firstSeen, Instant lastSeen, String relayId) {
    }

    /** What {@link #attach} did with a fresh connection. */
    public enum Attach { ATTACHED, DUPLICATE }

    private final Identity identity;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public PeerDirectory(Identity identity) {
        this.identity = identity;
    }

    /** Adds a peer known from the store (at start-up), disconnected. */
    public void addKnown(PeerKey key, Instant firstSeen, Instant lastSeen) {
        Entry e = entries.computeIfAbsent(key.peerId(), id -> new Entry(key));
        synchronized (e) {
            e.firstSeen = firstSeen;
            e.lastSeen = lastSeen;
        }
    }

    /**
     * Makes {@code fresh} the peer's connection, unless the peer already has an open one that wins the
     * tie-break. Under the entry lock, {@code onAttached} runs after the swap and before anyone else
     * can attach or send, so what it queues on the connection comes before any later message.
     */
    Attach attach(PeerConnection fresh, Instant now, Consumer<PeerConnection> onAttached) {
        PeerKey key = fresh.peer();
        while (true) {
            Entry e = entries.computeIfAbsent(key.peerId(), id -> new Entry(key));
            PeerConnection replaced;
            synchronized (e) {
                if (e.removed) {
                    continue; // forgotten meanwhile: this connection makes the peer known again
                }
                PeerConnection existing = e.connection;
                if (existing != null && existing.isOpen() && !freshWins(existing, fresh)) {
                    return Attach.DUPLICATE;
                }
                replaced = existing;
                e.connection = fresh;
                e.lastAddress = fresh.remoteAddress();
                e.lastDirection = fresh.direction();
                e.connectedAt = now;
                e.lastSeen = now;
                if (e.firstSeen == null) {
                    e.firstSeen = now;
                }
                onAttached.accept(fresh);
            }
            if (replaced != null) {
                replaced.close(CloseCode.DUPLICATE, "replaced by a newer connection to the same peer");
            }
            return Attach.ATTACHED;
        }
    }

    /** Clears the entry's connection if it is {@code closed}; true when it was the current one. */
    public boolean detach(PeerConnection closed, Instant now) {
        Entry e = entries.get(closed.peer().peerId());
        if (e == null) {
            return false;
        }
        synchronized (e) {
            if (e.connection != closed) {
                return false;
            }
            e.connection = null;
            e.lastSeen = now;
            return true;
        }
    }

    /** Runs {@code action} with the peer's open connection under its entry lock; false if there is none. */
    public boolean withConnection(String peerId, Consumer<PeerConnection> action) {
        Entry e = entries.get(peerId);
        if (e == null) {
            return false;
        }
        synchronized (e) {
            PeerConnection c = e.connection;
            if (e.removed || c == null || !c.isOpen()) {
                return false;
            }
            action.accept(c);
            return true;
        }
    }

    /** Removes the peer; its connection, if any, is closed with a goodbye. False if it was not known. */
    public boolean forget(String peerId) {
        Entry e = entries.get(peerId);
        if (e == null) {
            return false;
        }
        PeerConnection c;
        synchronized (e) {
            if (e.removed) {
                return false;
            }
            e.removed = true;
            entries.remove(peerId, e);
            c = e.connection;
            e.connection = null;
        }
        if (c != null) {
            c.close(CloseCode.NORMAL, "forgotten by the user");
        }
        return true;
    }

    public boolean isKnown(String peerId) {
        return entries.containsKey(peerId);
    }

    boolean isConnected(String peerId) {
        Entry e = entries.get(peerId);
        return e != null && e.connected();
    }

    public Optional<PeerConnection> connection(String peerId) {
        Entry e = entries.get(peerId);
        PeerConnection c = e == null ? null : e.connection;
        return c != null && c.isOpen() ? Optional.of(c) : Optional.empty();
    }

    /** The open connections (for shutdown). */
    public List<PeerConnection> openConnections() {
        return entries.values().stream().map(e -> e.connection).filter(c -> c != null && c.isOpen()).toList();
    }

    public List<String> connectedPeerIds() {
        return entries.values().stream().filter(Entry::connected).map(e -> e.key.peerId()).toList();
    }

    public int connectedCount() {
        return (int) entries.values().stream().filter(Entry::connected).count();
    }

    public Optional<Presence> presence(String peerId) {
        Entry e = entries.get(peerId);
        return e == null ? Optional.empty() : Optional.of(e.presence());
    }

    /** Every known peer, first seen first. */
    public List<Presence> presences() {
        Collection<Entry> all = entries.values();
        return all.stream().map(Entry::presence)
                .sorted(Comparator.comparing(Presence::firstSeen, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(p -> p.key().peerId()))
                .toList();
    }

    /**
     * Both sides must keep the same one of two connections. Two from the same client: the newer one
     * wins (the client dialled again because the old one is dead to it). Two from different clients
     * (simultaneous dials): the one whose client has the lower peerId wins, on both sides alike.
     */
    private boolean freshWins(PeerConnection existing, PeerConnection fresh) {
        String own = identity.peerId();
        String freshClient = fresh.clientPeerId(own);
        String existingClient = existing.clientPeerId(own);
        if (freshClient.equals(existingClient)) {
            return true;
        }
        return freshClient.compareTo(existingClient) < 0;
    }

    /** One peer: its key and its current connection. Guarded by its own monitor. */
    private final class Entry {
        final PeerKey key;
        final String safetyNumber;
        public PeerConnection connection;
        String lastAddress;
        Direction lastDirection;
        Instant connectedAt;
        Instant firstSeen;
        Instant lastSeen;
        boolean removed;

        Entry(PeerKey key) {
            this.key = key;
            this.safetyNumber = Fingerprints.safetyNumber(identity.publicKey(), key);
        }

        synchronized boolean connected() {
            return connection != null && connection.isOpen();
        }

        synchronized Presence presence() {
            boolean up = connected();
            return new Presence(key, safetyNumber, lastAddress, lastDirection, up, connectedAt, firstSeen,
                    lastSeen, up ? connection.relayId() : null);
        }
    }
}
