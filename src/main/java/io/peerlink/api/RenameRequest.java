package io.peerlink.api;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Body of {@code PATCH /api/peers/{peerId}}.
 *
 * @param alias the contact's new name: 1 to 64 characters, no control characters, unique among the
 *        known peers (ignoring case); null clears it
 */
@Schema(name = "RenameRequest", description = "A name for a contact")
record RenameRequest(
        @Schema(example = "alice", nullable = true, requiredMode = Schema.RequiredMode.REQUIRED,
                description = "1 to 64 characters, no control characters, unique; null clears the name")
        String alias) {
}
