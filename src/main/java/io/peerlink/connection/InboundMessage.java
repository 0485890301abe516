package io.peerlink.connection;

import java.time.Instant;
import java.util.UUID;

/**
 * A decrypted message in the inbox.
 *
 * @param id the sender's message id
 * @param cursor position in this peer's inbox, increasing by one per stored message
 * @param from the sender's peerId
 * @param text the plaintext
 * @param sentAt the sender's clock when it sent the message
 * @param receivedAt our clock when the message was stored
 */
public record InboundMessage(UUID id, long cursor, String from, String text, Instant sentAt, Instant receivedAt) {

    @Override
    public String toString() {
        return "InboundMessage[id=" + id + ", cursor=" + cursor + ", from=" + from + ", textChars=" + text.length() + "]";
    }
}
