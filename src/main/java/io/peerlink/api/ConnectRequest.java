package io.peerlink.api;

import io.peerlink.transport.DialTarget;
import io.peerlink.transport.Invite;
import io.peerlink.identity.Fingerprints;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/peers}.
 *
 * @param host host name or address of the peer's peer port
 * @param port the peer's peer port
 * @param expectedFingerprint optional: the peer's fingerprint or peerId (spaces, colons and case
 *        ignored); a peer with any other identity is refused before ours is revealed to it
 * @param invite instead of host, port and fingerprint: another peer's invite link,
 *        {@code peerlink://<peerId>@<host>:<port>} (its {@code GET /api/identity} gives it)
 */
@Schema(name = "ConnectRequest", description = "Where to dial, and optionally whom to expect there")
@ConnectTarget
record ConnectRequest(
        @Schema(example = "192.0.2.10", nullable = true, description = "required unless invite is given")
        @Size(min = 1, max = 253, message = "must be 1 to 253 characters")
        String host,

        @Schema(example = "5555", minimum = "1", maximum = "65535", nullable = true,
                description = "required unless invite is given")
        @Min(value = 1, message = "must be between 1 and 65535")
        @Max(value = 65535, message = "must be between 1 and 65535")
        Integer port,

        @Schema(example = Examples.FINGERPRINT, nullable = true,
                description = "64 hex digits; spaces, colons and case are ignored")
        @Pattern(regexp = "\\s*(?:[0-9A-Fa-f][\\s:]*){64}",
                message = "must be 64 hex digits (a peerId or a fingerprint)")
        String expectedFingerprint,

        @Schema(example = "peerlink://" + Examples.PEER_ID + "@192.0.2.10:5555", nullable = true,
                description = "another peer's invite link, possibly with relays (?relay=<relayId>@<host>:<port>, "
                        + "repeatable; the direct address may be absent); then leave host, port and expectedFingerprint out")
        @Size(max = 400, message = "must be at most 400 characters")
        String invite) {

    /** Where to dial: the invite, or host, port and fingerprint as an invite without relays (a valid request only). */
    Invite.Link target() {
        if (invite != null) {
            return Invite.parseLink(invite);
        }
        DialTarget direct = new DialTarget(host.strip(), port,
                expectedFingerprint == null ? null : Fingerprints.normalise(expectedFingerprint));
        return new Invite.Link(direct.pin(), direct, java.util.List.of(), java.util.Map.of());
    }
}
