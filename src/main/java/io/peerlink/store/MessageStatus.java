package io.peerlink.store;

/**
 * Where a message stands. Outbound: {@code QUEUED → SENT → DELIVERED}, or {@code FAILED} from
 * either of the first two; a change never goes backwards. Inbound messages are {@code RECEIVED}.
 */
public enum MessageStatus {
    /** Stored; not yet written to a connection to the peer. */
    QUEUED,
    /** Written to an open connection; the peer has not acknowledged it yet. */
    SENT,
    /** The peer acknowledged it: it is committed in the peer's own store. */
    DELIVERED,
    /** Given up: the peer was forgotten, or the message outlived {@code peerlink.message-ttl}. */
    FAILED,
    /** An inbound message, committed here and acknowledged to its sender. */
    RECEIVED;

    /** Whether the message still waits for the peer's ACK (and is re-sent on every new connection). */
    public boolean undelivered() {
        return this == QUEUED || this == SENT;
    }
}
