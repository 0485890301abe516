package io.peerlink.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/peers/{peerId}/verify}.
 *
 * @param safetyNumber the 60 digits both people compared (spaces are ignored)
 */
@Schema(name = "VerifyRequest", description = "The safety number as the other person read it out")
record VerifyRequest(
        @Schema(example = Examples.SAFETY_NUMBER, requiredMode = Schema.RequiredMode.REQUIRED)
        @NotBlank(message = "must not be blank")
        @Size(max = 200, message = "must be at most 200 characters")
        String safetyNumber) {
}
