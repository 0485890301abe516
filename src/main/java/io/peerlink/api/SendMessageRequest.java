package io.peerlink.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import java.util.UUID;

/**
 * Body of {@code POST /api/messages}.
 *
 * @param to the recipient's peerId; may be left out when exactly one peer is connected
 * @param text the message, at most {@code peerlink.max-message-bytes} bytes of UTF-8
 * @param id optional client-chosen message id: repeating a send with the same id, recipient and text
 *        gives back the stored message instead of sending it twice
 */
@Schema(name = "SendMessageRequest", description = "A message to send")
record SendMessageRequest(
        @Schema(example = Examples.PEER_ID, nullable = true,
                description = "recipient peerId; optional when exactly one peer is connected")
        String to,

        @Schema(example = "Hello from the other side", requiredMode = Schema.RequiredMode.REQUIRED,
                description = "not blank; at most peerlink.max-message-bytes (default 65536) bytes of UTF-8")
        @NotBlank(message = "must not be empty or blank")
        String text,

        @Schema(example = Examples.MESSAGE_ID, nullable = true,
                description = "optional UUID chosen by the client, so that a retried send is not sent twice")
        UUID id) {

    @Override
    public String toString() {
        return "SendMessageRequest[to=" + to + ", id=" + id + ", textChars=" + (text == null ? 0 : text.length()) + "]";
    }
}
