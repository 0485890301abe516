package io.peerlink.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of {@code messages}.
 *
 * @param cursor the store's sequence number: increasing, never reused, also across restarts
 * @param id the message id carried on the wire (for outbound messages also the client's idempotency key)
 * @param peerId the other peer: recipient of an outbound, sender of an inbound message
 * @param direction who wrote it
 * @param text the plaintext
 * @param status where it stands
 * @param createdAt outbound: when this peer accepted it; inbound: the sender's clock when it sent it
 * @param sentAt outbound: when it was first written to a connection
 * @param deliveredAt outbound: when the peer's ACK arrived
 * @param receivedAt inbound: when it was committed here
 * @param failedAt outbound: when it was given up
 * @param failure outbound: why it was given up
 */
public record StoredMessage(long cursor, UUID id, String peerId, MessageDirection direction, String text,
        MessageStatus status, Instant createdAt, Instant sentAt, Instant deliveredAt, Instant receivedAt,
        Instant failedAt, String failure) {

    /** The text stays out of logs. */
    @Override
    public String toString() {
        return "StoredMessage[cursor=" + cursor + ", id=" + id + ", peer=" + peerId + ", " + direction + ", " + status
                + ", textChars=" + text.length() + "]";
    }
}
