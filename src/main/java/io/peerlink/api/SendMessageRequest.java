package io.peerlink.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;

/**
 * Body of {@code POST /api/messages}.
 *
 * @param to the recipient's peerId; may be left out when exactly one peer is connected
 * @param text the message, at most {@code peerlink.max-message-bytes} bytes of UTF-8
 */
@Schema(name = "SendMessageRequest", description = "A message to send")
record SendMessageRequest(
        @Schema(example = Examples.PEER_ID, nullable = true,
                description = "recipient peerId; optional when exactly one peer is connected")
        String to,

        @Schema(example = "Hello from the other side", requiredMode = Schema.RequiredMode.REQUIRED,
                description = "not blank; at most peerlink.max-message-bytes (default 65536) bytes of UTF-8")
        @NotBlank(message = "must not be empty or blank")
        String text) {

    @Override
    public String toString() {
        return "SendMessageRequest[to=" + to + ", textChars=" + (text == null ? 0 : text.length()) + "]";
    }
}
