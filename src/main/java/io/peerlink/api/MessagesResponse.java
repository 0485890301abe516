package io.peerlink.api;

import io.peerlink.connection.InboundMessage;
import io.peerlink.connection.Inbox;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One page of {@code GET /api/messages}.
 *
 * @param messages inbound messages after the cursor, oldest first
 * @param nextCursor pass it as {@code after} to the next poll
 * @param missed messages dropped from the full inbox before this poll could see them
 */
@Schema(name = "Messages", description = "A page of inbound messages")
record MessagesResponse(
        List<Message> messages,
        @Schema(example = "42") long nextCursor,
        @Schema(example = "0") long missed) {

    static MessagesResponse of(Inbox.Page page) {
        return new MessagesResponse(page.messages().stream().map(Message::of).toList(), page.nextCursor(),
                page.missed());
    }

    /**
     * A decrypted inbound message.
     *
     * @param id the sender's message id
     * @param cursor position in this peer's inbox
     * @param from the sender's peerId
     * @param text the plaintext
     * @param sentAt the sender's clock when it sent the message
     * @param receivedAt our clock when the message arrived
     */
    @Schema(name = "InboundMessage", description = "A decrypted inbound message")
    record Message(
            @Schema(example = Examples.MESSAGE_ID) UUID id,
            @Schema(example = "42") long cursor,
            @Schema(example = Examples.PEER_ID_2) String from,
            @Schema(example = "Hello from the other side") String text,
            @Schema(example = Examples.INSTANT) Instant sentAt,
            @Schema(example = Examples.INSTANT) Instant receivedAt) {

        static Message of(InboundMessage m) {
            return new Message(m.id(), m.cursor(), m.from(), m.text(), m.sentAt(), m.receivedAt());
        }

        @Override
        public String toString() {
            return "Message[id=" + id + ", cursor=" + cursor + ", from=" + from + "]";
        }
    }
}
