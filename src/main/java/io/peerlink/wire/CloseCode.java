package io.peerlink.wire;

/** Reasons a connection ends, with the code carried by a CLOSE frame (u16). */
public enum CloseCode {
    /** The user or the application ended the connection. */
    NORMAL(0x0000),
    /** The peer is shutting down. */
    GOING_AWAY(0x0001),
    /** A frame broke the protocol: unknown type, bad length, bad field. */
    PROTOCOL_ERROR(0x0002),
    /** A record failed authentication: tampered, replayed, dropped or reordered. */
    DECRYPT_ERROR(0x0003),
    /** A length prefix or a message exceeded the receiver's limit. */
    TOO_LARGE(0x0004),
    /** No frame arrived within the keep-alive time-out. */
    TIMEOUT(0x0005),
    /**
     * Another connection to the same peer replaces this one: a newer one from the same client, or
     * the one both sides keep of two simultaneous dials (docs/PROTOCOL.md section 9).
     */
    DUPLICATE(0x0006),
    /** The receiver has no room for another connection. */
    TOO_MANY_CONNECTIONS(0x0007),
    /** The receiver's user blocked this identity: nothing it sends is stored. */
    BLOCKED(0x0008),
    /**
     * The sender is a message request (not accepted by the receiver's user) and has reached the
     * request quota: its unacknowledged messages stay with it until the request is accepted.
     */
    REQUEST_QUOTA(0x0009),
    /** The receiver takes no message requests: only identities it knows may connect. */
    REQUESTS_REFUSED(0x000A),
    /**
     * The receiver stores no more from this sender for now: its storage quota is used up, or the
     * receiver's disk is nearly full. Unacknowledged messages stay with the sender.
     */
    STORAGE_FULL(0x000B),
    /** Sent or received for any code this implementation does not know. */
    UNKNOWN(0xFFFF);

    private final int code;

    CloseCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /**
     * Whether the receiver of this code should wait before dialling again (docs/PROTOCOL.md section 9):
     * the peer that sent it takes nothing more from it for now (no room, blocked, a request over its
     * quota, no requests taken, storage full), so dialling again at once would only be refused again.
     */
    public boolean refusesForNow() {
        return switch (this) {
            case TOO_MANY_CONNECTIONS, BLOCKED, REQUEST_QUOTA, REQUESTS_REFUSED, STORAGE_FULL -> true;
            default -> false;
        };
    }

    public static CloseCode of(int code) {
        for (CloseCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return UNKNOWN;
    }
}
