package io.peerlink.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * A one-time invite, as {@code POST /api/invites} creates it.
 *
 * @param invite {@code peerlink://<peerId>@<host>:<port>?grant=<token>}: give it to one person; their
 *        peer's {@code POST /api/peers {"invite": ...}} connects and is a contact here at once
 * @param expiresAt after this the grant is void: the invite still connects, as a message request
 */
@Schema(name = "Invite", description = "A one-time invite: whoever connects with it first is a contact at once")
record InviteResponse(
        @Schema(example = "peerlink://" + Examples.PEER_ID + "@192.0.2.10:5555?grant="
                + "Q2hhbmdlIG1lOiB0aGlzIGlzIGFuIGV4YW1wbGUgdG9r") String invite,
        @Schema(example = Examples.INSTANT) Instant expiresAt) {

    @Override
    public String toString() {
        return "InviteResponse[expiresAt=" + expiresAt + "]"; // the grant stays out of logs
    }
}
