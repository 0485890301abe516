package io.peerlink.api;

import io.peerlink.store.MessageDirection;
import io.peerlink.store.MessageStatus;
import io.peerlink.store.StoredMessage;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/**
 * A stored message, either direction, as every message endpoint and event shows it. Every field is
 * always present, null where it does not apply (as the OpenAPI document says).
 *
 * @param id the message id (for outbound messages also the client's idempotency key)
 * @param cursor the store's position of the message: increasing, never reused, also across restarts
 * @param peerId the other peer: recipient of an outbound, sender of an inbound message
 * @param to outbound only: the recipient (= peerId)
 * @param from inbound only: the sender (= peerId)
 * @param direction OUT (sent by this peer) or IN (received)
 * @param text the plaintext
 * @param status QUEUED, SENT, DELIVERED or FAILED for outbound messages; RECEIVED for inbound ones
 * @param createdAt outbound: when this peer accepted it; inbound: the sender's clock when it sent it
 * @param sentAt outbound: when it was first written to a connection; inbound: the sender's clock
 * @param deliveredAt outbound: when the recipient's ACK arrived (it is committed in the recipient's store)
 * @param receivedAt inbound: when it was committed here
 * @param failedAt outbound, FAILED only: when it was given up
 * @param failure outbound, FAILED only: why
 */
@Schema(name = "Message", description = "A stored message, either direction")
record MessageResponse(
        @Schema(example = Examples.MESSAGE_ID) UUID id,
        @Schema(example = "42") long cursor,
        @Schema(example = Examples.PEER_ID) String peerId,
        @Schema(example = Examples.PEER_ID, nullable = true) String to,
        @Schema(example = Examples.PEER_ID, nullable = true) String from,
        @Schema(example = "OUT") MessageDirection direction,
        @Schema(example = "Hello from the other side") String text,
        @Schema(example = "DELIVERED") MessageStatus status,
        @Schema(example = Examples.INSTANT) Instant createdAt,
        @Schema(example = Examples.INSTANT, nullable = true) Instant sentAt,
        @Schema(example = Examples.INSTANT, nullable = true) Instant deliveredAt,
        @Schema(example = Examples.INSTANT, nullable = true) Instant receivedAt,
        @Schema(example = Examples.INSTANT, nullable = true) Instant failedAt,
        @Schema(example = "peer forgotten before delivery", nullable = true)
        String failure) {

    static MessageResponse of(StoredMessage m) {
        boolean out = m.direction() == MessageDirection.OUT;
        return new MessageResponse(m.id(), m.cursor(), m.peerId(), out ? m.peerId() : null, out ? null : m.peerId(),
                m.direction(), m.text(), m.status(), m.createdAt(), out ? m.sentAt() : m.createdAt(),
                m.deliveredAt(), m.receivedAt(), m.failedAt(), m.failure());
    }

    /** The text stays out of logs. */
    @Override
    public String toString() {
        return "MessageResponse[id=" + id + ", cursor=" + cursor + ", " + direction + ", " + status + "]";
    }
}
