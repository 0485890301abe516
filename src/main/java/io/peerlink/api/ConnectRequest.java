package io.peerlink.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/peers}.
 *
 * @param host host name or address of the peer's peer port
 * @param port the peer's peer port
 * @param expectedFingerprint optional: the peer's fingerprint or peerId (spaces, colons and case
 *        ignored); a peer with any other identity is refused before ours is revealed to it
 */
@Schema(name = "ConnectRequest", description = "Where to dial, and optionally whom to expect there")
record ConnectRequest(
        @Schema(example = "192.0.2.10", requiredMode = Schema.RequiredMode.REQUIRED)
        @NotBlank(message = "must not be blank")
        @Size(max = 253, message = "must be at most 253 characters")
        String host,

        @Schema(example = "5555", minimum = "1", maximum = "65535", requiredMode = Schema.RequiredMode.REQUIRED)
        @NotNull(message = "is required")
        @Min(value = 1, message = "must be between 1 and 65535")
        @Max(value = 65535, message = "must be between 1 and 65535")
        Integer port,

        @Schema(example = Examples.FINGERPRINT, nullable = true,
                description = "64 hex digits; spaces, colons and case are ignored")
        @Pattern(regexp = "\\s*(?:[0-9A-Fa-f][\\s:]*){64}",
                message = "must be 64 hex digits (a peerId or a fingerprint)")
        String expectedFingerprint) {
}
