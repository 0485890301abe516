package io.peerlink.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of {@code events}, as {@code GET /api/events} streams it.
 *
 * @param id increasing; a client resumes after the last one it saw
 * @param type {@code message} (an inbound message was stored), {@code status} (an outbound message
 *        changed state) or {@code peer}
 * @param at when it happened
 * @param peerId the peer it concerns
 * @param messageId message and status events: the message's id
 * @param messageCursor message and status events: the message's cursor
 * @param detail status events: the new status; peer events: connected, disconnected or forgotten;
 *        message events: RECEIVED
 */
public record StoredEvent(long id, Type type, Instant at, String peerId, UUID messageId, Long messageCursor,
        String detail) {

    public enum Type {
        MESSAGE, STATUS, PEER;

        /** The SSE event name. */
        public String wireName() {
            return switch (this) {
                case MESSAGE -> "message";
                case STATUS -> "status";
                case PEER -> "peer";
            };
        }

        static Type fromWireName(String name) {
            return switch (name) {
                case "message" -> MESSAGE;
                case "status" -> STATUS;
                case "peer" -> PEER;
                default -> throw new IllegalArgumentException("unknown event type " + name);
            };
        }
    }
}
