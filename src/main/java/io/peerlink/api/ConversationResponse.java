package io.peerlink.api;

import io.peerlink.store.StoredMessage;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * One page of {@code GET /api/peers/{peerId}/messages}.
 *
 * @param messages both directions, newest first
 * @param nextBefore pass it as {@code before} for the older page; null when this page reached the start
 */
@Schema(name = "Conversation", description = "A page of the conversation with one peer, newest first")
record ConversationResponse(
        List<MessageResponse> messages,
        @Schema(example = "17", nullable = true) Long nextBefore) {

    static ConversationResponse of(List<StoredMessage> page, int limit) {
        Long next = page.size() < limit ? null : page.getLast().cursor();
        return new ConversationResponse(page.stream().map(MessageResponse::of).toList(), next);
    }
}
