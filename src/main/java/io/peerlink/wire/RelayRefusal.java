package io.peerlink.wire;

/**
 * Why a relay refused a RESERVE or a CIRCUIT_REQUEST: the {@code uint16} reason of a RELAY_REFUSED
 * frame (docs/PROTOCOL.md section 12). A code this implementation does not know is {@link #UNKNOWN}.
 */
public enum RelayRefusal {
    /** The peer does not act as a relay ({@code peerlink.relay.enabled=false}). */
    RELAY_DISABLED(1),
    /** The relay lets only its contacts reserve ({@code peerlink.relay.allow=contacts}). */
    NOT_ALLOWED(2),
    /** The relay holds {@code max-reservations} reservations already. */
    RESERVATION_LIMIT(3),
    /** The target of a circuit has no reservation on this relay. */
    NO_RESERVATION(4),
    /** The relay carries {@code max-circuits} circuits already. */
    CIRCUIT_LIMIT(5),
    /** The target carries {@code max-circuits-per-peer} circuits already. */
    PEER_CIRCUIT_LIMIT(6),
    /** A circuit to oneself. */
    SELF(7),
    /** A reason code this implementation does not know. */
    UNKNOWN(0xFFFF);

    private final int code;

    RelayRefusal(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static RelayRefusal of(int code) {
        for (RelayRefusal r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return UNKNOWN;
    }
}
