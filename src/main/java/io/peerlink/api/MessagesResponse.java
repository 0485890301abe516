package io.peerlink.api;

import io.peerlink.messaging.Inbox;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * One page of {@code GET /api/messages}.
 *
 * @param messages inbound messages after the cursor, oldest first
 * @param nextCursor pass it as {@code after} to the next poll
 */
@Schema(name = "Messages", description = "A page of inbound messages")
record MessagesResponse(
        List<MessageResponse> messages,
        @Schema(example = "42") long nextCursor) {

    static MessagesResponse of(Inbox.Page page) {
        return new MessagesResponse(page.messages().stream().map(MessageResponse::of).toList(), page.nextCursor());
    }
}
