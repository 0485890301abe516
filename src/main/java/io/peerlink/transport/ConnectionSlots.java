package io.peerlink.transport;

import io.peerlink.wire.CloseCode;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code max-connections} budget of established connections, and who may hold which part of it
 * (docs/PROTOCOL.md section 8, "Slots for contacts"):
 *
 * <ul>
 *   <li>{@code reserved} slots are for contacts and this peer's own dials only: connections of
 *       <em>unknown</em> identities (inbound peers that are not contacts, {@link PeerStanding})
 *       hold at most {@code max - reserved} slots in total, and at most {@code maxUnknownPerSource}
 *       from one {@link SourceAddress} (an IPv4 address or an IPv6 /64);</li>
 *   <li>a contact or an own dial takes any free slot; when none is free and {@code reserved} is
 *       not 0, the unknown connection idle the longest (no MESSAGE either way for the longest
 *       time; of those never used, the oldest) is let go with CLOSE TOO_MANY_CONNECTIONS, and its
 *       slot passes to the contact at once ({@link Slot#handOver}).</li>
 * </ul>
 *
 * Each slot is given back once, when the connection that holds it ends (or is handed over, for an
 * unknown's). With {@code reserved} 0 there is no priority: every slot goes to whoever comes first.
 *
 * <p>Thread-safe: one lock over the counters; nothing is closed or written under it.
 */
public final class ConnectionSlots {

    /** What {@link #forUnknown} gave: a slot, or why there is none. */
    record Outcome(Slot slot, InboundRefusal refusal) {
    }

    private static final Logger log = LoggerFactory.getLogger(ConnectionSlots.class);

    private final int max;
    private final int reserved;
    private final int maxUnknownPerSource;
    private final PeerDirectory directory;
    private final Map<SourceAddress, Integer> unknownPerSource = new HashMap<>(); // guarded by this
    private int taken; // guarded by this
    private int unknown; // guarded by this

    /**
     * @param directory where the connections that hold the slots are found, to let one go
     */
    ConnectionSlots(int max, int reserved, int maxUnknownPerSource, PeerDirectory directory) {
        if (max < 1 || reserved < 0 || reserved > max || maxUnknownPerSource < 1) {
            throw new IllegalArgumentException("need max-connections (" + max + ") >= 1, 0 <= reserved (" + reserved
                    + ") <= max-connections, and at least 1 unknown connection per address (" + maxUnknownPerSource
                    + ")");
        }
        this.max = max;
        this.reserved = reserved;
        this.maxUnknownPerSource = maxUnknownPerSource;
        this.directory = directory;
    }

    public ConnectionSlots(ConnectionSettings settings, PeerDirectory directory) {
        this(settings.maxConnections(), settings.reservedConnections(), settings.maxUnknownConnectionsPerAddress(),
                directory);
    }

    /** Slots not held. */
    public synchronized int free() {
        return max - taken;
    }

    /** Slots held by unknown identities. */
    synchronized int heldByUnknown() {
        return unknown;
    }

    /** Slots held by unknown identities from {@code source}. */
    synchronized int heldByUnknown(SourceAddress source) {
        return unknownPerSource.getOrDefault(source, 0);
    }

    /**
     * Whether a contact or an own dial could get a slot now: one is free, or an unknown identity
     * holds one that it would be let go of. A new inbound connection is worth a handshake only then.
     */
    synchronized boolean roomForContact() {
        return taken < max || (reserved > 0 && unknown > 0);
    }

    /** A free slot for a contact or an own dial, or null when none is free (nobody is let go). */
    synchronized Slot tryFree() {
        if (taken >= max) {
            return null;
        }
        taken++;
        return Slot.of(this::releaseContact);
    }

    /**
     * A slot for a contact or an own dial: a free one, or the slot of the unknown connection idle
     * the longest, which is let go (CLOSE TOO_MANY_CONNECTIONS); null when neither is there.
     */
    Slot forContact() {
        Slot free = tryFree();
        if (free != null || reserved == 0) {
            return free;
        }
        List<PeerConnection> unknowns = directory.openConnections().stream()
                .filter(c -> c.slot().canBeHandedOver())
                .sorted(Comparator.comparingLong(PeerConnection::idleSince))
                .toList();
        for (PeerConnection idlest : unknowns) {
            if (idlest.slot().handOver()) {
                // its share of the unknowns' part is back; the unit itself passes to the contact
                idlest.close(CloseCode.TOO_MANY_CONNECTIONS, "let go to make room for a contact");
                log.info("Let {} ({}) go to make room for a contact: the unknown connection idle the longest",
                        idlest.peer().peerId(), idlest.remoteAddress());
                return Slot.of(this::releaseContact);
            }
            // it ended meanwhile: its slot may be free now
            free = tryFree();
            if (free != null) {
                return free;
            }
        }
        return tryFree();
    }

    /**
     * A slot for an unknown identity from {@code source}: a free one within the unknowns' part
     * ({@code max - reserved}) and the per-source cap, or why there is none. Nobody is let go for it.
     */
    synchronized Outcome forUnknown(SourceAddress source) {
        int fromSource = unknownPerSource.getOrDefault(source, 0);
        if (fromSource >= maxUnknownPerSource) {
            return new Outcome(null, InboundRefusal.UNKNOWN_PER_ADDRESS);
        }
        if (unknown >= max - reserved) {
            return new Outcome(null, InboundRefusal.UNKNOWN_TOTAL);
        }
        if (taken >= max) {
            return new Outcome(null, InboundRefusal.CAPACITY);
        }
        taken++;
        unknown++;
        unknownPerSource.put(source, fromSource + 1);
        return new Outcome(Slot.handOverable(() -> releaseUnknown(source, true), () -> releaseUnknown(source, false)),
                null);
    }

    private synchronized void releaseContact() {
        taken--;
    }

    /** An unknown's slot ends: its share of the unknowns' part, and the unit itself unless it passed on. */
    private synchronized void releaseUnknown(SourceAddress source, boolean unit) {
        unknown--;
        unknownPerSource.computeIfPresent(source, (a, n) -> n == 1 ? null : n - 1);
        if (unit) {
            taken--;
        }
    }
}
