package io.peerlink.relay;

import io.peerlink.transport.DialTarget;
import java.time.Duration;
import java.util.List;

/**
 * The relay role's limits and this peer's own relays, free of Spring (docs/PROTOCOL.md section 12).
 *
 * @param enabled whether this peer relays for others
 * @param allowAnyone true: any authenticated peer may reserve; false: only this peer's contacts
 * @param maxReservations reservations held at once
 * @param maxCircuits circuits (joining or spliced) at once
 * @param maxCircuitsPerPeer circuits to one reserved peer at once
 * @param circuitBytesPerSecond bytes a circuit copies per second in each direction at most
 * @param reservationLifetime a reservation not renewed within this ends
 * @param joinTimeout a circuit whose two sides have not both joined within this is dropped
 * @param relays this peer's relays (pinned), where it reserves a slot and keeps a connection
 */
public record RelaySettings(boolean enabled, boolean allowAnyone, int maxReservations, int maxCircuits,
        int maxCircuitsPerPeer, long circuitBytesPerSecond, Duration reservationLifetime, Duration joinTimeout,
        List<DialTarget> relays) {

    public static final int DEFAULT_MAX_RESERVATIONS = 128;
    public static final int DEFAULT_MAX_CIRCUITS = 64;
    public static final int DEFAULT_MAX_CIRCUITS_PER_PEER = 8;
    public static final long DEFAULT_CIRCUIT_BYTES_PER_SECOND = 16L * 1024 * 1024;
    public static final Duration DEFAULT_RESERVATION_LIFETIME = Duration.ofHours(1);
    public static final Duration DEFAULT_JOIN_TIMEOUT = Duration.ofSeconds(10);

    /** Not a relay, no relays of its own. */
    public static final RelaySettings NONE = new RelaySettings(false, false, DEFAULT_MAX_RESERVATIONS,
            DEFAULT_MAX_CIRCUITS, DEFAULT_MAX_CIRCUITS_PER_PEER, DEFAULT_CIRCUIT_BYTES_PER_SECOND,
            DEFAULT_RESERVATION_LIFETIME, DEFAULT_JOIN_TIMEOUT, List.of());

    public RelaySettings {
        relays = List.copyOf(relays);
        if (maxReservations < 0 || maxCircuits < 0 || maxCircuitsPerPeer < 0) {
            throw new IllegalArgumentException("relay limits must not be negative");
        }
        if (circuitBytesPerSecond < 1) {
            throw new IllegalArgumentException("relay.circuit-bytes-per-second must be at least 1");
        }
        if (reservationLifetime.toSeconds() < 2 || reservationLifetime.toSeconds() > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("relay.reservation-lifetime must be 2 s or more");
        }
        for (DialTarget r : relays) {
            if (r.pin() == null) {
                throw new IllegalArgumentException("each of peerlink.relays must be <relayId>@host:port: " + r.address());
            }
        }
    }

    /** A relay with these limits (tests). */
    public static RelaySettings relay(boolean allowAnyone, int maxReservations, int maxCircuits,
            int maxCircuitsPerPeer) {
        return new RelaySettings(true, allowAnyone, maxReservations, maxCircuits, maxCircuitsPerPeer,
                DEFAULT_CIRCUIT_BYTES_PER_SECOND, DEFAULT_RESERVATION_LIFETIME, DEFAULT_JOIN_TIMEOUT, List.of());
    }

    /** A client of {@code relays} (tests). */
    public static RelaySettings client(List<DialTarget> relays) {
        return new RelaySettings(false, false, DEFAULT_MAX_RESERVATIONS, DEFAULT_MAX_CIRCUITS,
                DEFAULT_MAX_CIRCUITS_PER_PEER, DEFAULT_CIRCUIT_BYTES_PER_SECOND, DEFAULT_RESERVATION_LIFETIME,
                DEFAULT_JOIN_TIMEOUT, relays);
    }
}
