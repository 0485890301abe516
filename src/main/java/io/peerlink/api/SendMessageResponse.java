package io.peerlink.api;

import io.peerlink.connection.OutboundMessage;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/**
 * A message accepted for sending.
 *
 * @param id the message id
 * @param to the recipient's peerId
 * @param status SENT when handed to an open connection, QUEUED when waiting for the peer to reconnect
 * @param createdAt when the message was accepted
 */
@Schema(name = "SentMessage", description = "A message accepted for sending")
record SendMessageResponse(
        @Schema(example = Examples.MESSAGE_ID) UUID id,
        @Schema(example = Examples.PEER_ID) String to,
        @Schema(example = "SENT") OutboundMessage.Status status,
        @Schema(example = Examples.INSTANT) Instant createdAt) {

    static SendMessageResponse of(OutboundMessage m) {
        return new SendMessageResponse(m.id(), m.to(), m.status(), m.createdAt());
    }
}
