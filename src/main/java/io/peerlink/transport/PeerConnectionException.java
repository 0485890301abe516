package io.peerlink.transport;

import java.util.UUID;

/** Why a call on the peer service (messaging.PeerConnectionService) could not be done; the API maps kinds to statuses. */
public final class PeerConnectionException extends RuntimeException {

    public enum Kind {
        /** The host could not be reached (refused, unreachable, timed out, unknown host). */
        UNREACHABLE,
        /** The host answered but the handshake failed. */
        HANDSHAKE_FAILED,
        /** The peer's identity is not the expected one. */
        FINGERPRINT_MISMATCH,
        /** Another identity answers at an address where a known peer answered before. */
        KEY_CHANGED,
        /** The address answers with this peer's own identity. */
        SELF,
        /** A request names something that cannot be (a bad alias, a bad invite). */
        INVALID,
        /** The alias belongs to another peer. */
        ALIAS_TAKEN,
        /** The safety number given is not the peer's. */
        SAFETY_NUMBER_MISMATCH,
        /** The peer is blocked: lift the block first. */
        BLOCKED,
        /** The peer's relation does not allow that (accepting a blocked peer, lifting a block that is none). */
        RELATION,
        /** No such peer is known. */
        UNKNOWN_PEER,
        /** No peer is connected, or several are and none was named. */
        NO_RECIPIENT,
        /** The text is longer than the configured limit. */
        TOO_LARGE,
        /** A message id was used before for other content. */
        ID_CONFLICT,
        /** No room for another connection or message. */
        CAPACITY,
        /**
         * The store did not commit a message within the time-out; {@link #messageId()} names it, so
         * that a retry with that id cannot send it twice.
         */
        COMMIT_TIMEOUT,
        /** The service is not running. */
        STOPPED
    }

    private final Kind kind;
    private final UUID messageId;

    public PeerConnectionException(Kind kind, String message) {
        this(kind, message, null);
    }

    /** An error about one message, named by its id (null when there is none). */
    public PeerConnectionException(Kind kind, String message, UUID messageId) {
        super(message, null, false, false);
        this.kind = kind;
        this.messageId = messageId;
    }

    /** The message the error is about, or null. */
    public UUID messageId() {
        return messageId;
    }

    public Kind kind() {
        return kind;
    }
}
