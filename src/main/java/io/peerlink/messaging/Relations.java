package io.peerlink.messaging;

import io.peerlink.store.MessageRepository;
import io.peerlink.store.Relation;
import io.peerlink.wire.CloseCode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Who may connect and how much of what they send is stored: each identity's relation (CONTACT,
 * REQUEST, BLOCKED) and the inbound text stored per sender, against {@link Quotas}. The store holds
 * the truth across restarts; this keeps the figures the connection threads decide on, loaded at
 * start and changed with every stored message and relation change.
 *
 * <p>A request that reaches its quota stays refused ({@link CloseCode#REQUEST_QUOTA}, already at the
 * handshake) until it is accepted, blocked or forgotten, so that what it sends later is never
 * stored before what it sent first.
 *
 * <p>Thread-safe: one monitor guards the maps and sums; nothing waits under it.
 */
final class Relations {

    /** The outcome of a handshake: the peer's relation from now on, or why it is refused. */
    record Admission(Relation relation, boolean newRequest, CloseCode refusal) {
    }

    private final Quotas quotas;
    private final LongSupplier freeDisk;
    private final Map<String, Relation> relations = new HashMap<>();
    private final Map<String, long[]> usage = new HashMap<>(); // peerId -> {messages, bytes} stored from it
    private final Set<String> full = new HashSet<>();
    private long requestBytes;

    /** {@code freeDisk} gives the usable bytes of the store's file system. */
    Relations(Quotas quotas, LongSupplier freeDisk) {
        this.quotas = quotas;
        this.freeDisk = freeDisk;
    }

    Quotas quotas() {
        return quotas;
    }

    /** Takes the stored relations and inbound usage (at start). */
    synchronized void load(Map<String, Relation> stored, Map<String, MessageRepository.Usage> inbound) {
        relations.clear();
        relations.putAll(stored);
        usage.clear();
        inbound.forEach((peerId, u) -> usage.put(peerId, new long[] {u.messages(), u.bytes()}));
        full.clear();
        requestBytes = 0;
        relations.forEach((peerId, r) -> {
            if (r == Relation.REQUEST) {
                requestBytes += used(peerId)[1];
            }
        });
    }

    synchronized Optional<Relation> relation(String peerId) {
        return Optional.ofNullable(relations.get(peerId));
    }

    /**
     * A handshake with {@code peerId} finished: a peer this peer dialled becomes a CONTACT, an
     * unknown one that dialled in a REQUEST (or is refused when requests are off); a blocked one,
     * and a request whose quota is used up, are refused.
     */
    synchronized Admission admit(String peerId, boolean dialled) {
        Relation current = relations.get(peerId);
        if (current == Relation.BLOCKED) {
            return new Admission(Relation.BLOCKED, false, CloseCode.BLOCKED);
        }
        if (dialled) {
            change(peerId, Relation.CONTACT);
            return new Admission(Relation.CONTACT, false, null);
        }
        if (current == Relation.REQUEST && full.contains(peerId)) {
            return new Admission(Relation.REQUEST, false, CloseCode.REQUEST_QUOTA);
        }
        if (current != null) {
            return new Admission(current, false, null);
        }
        if (quotas.firstContact() && !relations.containsValue(Relation.CONTACT)) {
            // pairing: a peer with no contact at all takes the first identity that dials in as one
            change(peerId, Relation.CONTACT);
            return new Admission(Relation.CONTACT, false, null);
        }
        if (!quotas.requestsEnabled()) {
            return new Admission(null, false, CloseCode.REQUESTS_REFUSED);
        }
        change(peerId, Relation.REQUEST);
        return new Admission(Relation.REQUEST, true, null);
    }

    /**
     * Reserves room for a message of {@code bytes} from {@code peerId} before it is stored; null when
     * there is room, else the close code that says why not. {@link #release} gives the room back when
     * the message turns out to be a copy or is not stored.
     */
    CloseCode reserve(String peerId, long bytes) {
        // outside the monitor: a file-system call
        if (freeDisk.getAsLong() < quotas.minFreeDisk()) {
            return CloseCode.STORAGE_FULL;
        }
        synchronized (this) {
            Relation r = relations.get(peerId);
            if (r == Relation.BLOCKED) {
                return CloseCode.BLOCKED;
            }
            long[] u = used(peerId);
            if (r == Relation.REQUEST || r == null) {
                if (full.contains(peerId) || u[0] + 1 > quotas.requestMaxMessages()
                        || u[1] + bytes > quotas.requestMaxBytes()
                        || requestBytes + bytes > quotas.requestTotalBytes()) {
                    full.add(peerId);
                    return CloseCode.REQUEST_QUOTA;
                }
                requestBytes += bytes;
            } else if (u[1] + bytes > quotas.peerStorageQuota()) {
                return CloseCode.STORAGE_FULL;
            }
            u[0]++;
            u[1] += bytes;
            return null;
        }
    }

    /** Gives back what {@link #reserve} took (a copy of a stored message, or a failed write). */
    synchronized void release(String peerId, long bytes) {
        long[] u = used(peerId);
        u[0] = Math.max(0, u[0] - 1);
        u[1] = Math.max(0, u[1] - bytes);
        Relation r = relations.get(peerId);
        if (r == Relation.REQUEST || r == null) {
            requestBytes = Math.max(0, requestBytes - bytes);
        }
    }

    /** Sets the relation (accept, block, unblock); returns the one before, or null when there was none. */
    synchronized Relation change(String peerId, Relation next) {
        Relation before = relations.put(peerId, next);
        if (before == Relation.REQUEST && next != Relation.REQUEST) {
            requestBytes = Math.max(0, requestBytes - used(peerId)[1]);
        } else if (before != Relation.REQUEST && next == Relation.REQUEST) {
            requestBytes += used(peerId)[1];
        }
        full.remove(peerId);
        return before;
    }

    /** The user forgot the peer: unless it is blocked, it is a stranger again. */
    synchronized void forget(String peerId) {
        if (relations.get(peerId) != Relation.BLOCKED) {
            change(peerId, Relation.CONTACT);
            relations.remove(peerId);
        }
    }

    /** Bytes of text stored for all requests together (tests). */
    synchronized long requestBytes() {
        return requestBytes;
    }

    private long[] used(String peerId) {
        return usage.computeIfAbsent(peerId, id -> new long[2]);
    }
}
