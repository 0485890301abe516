package io.peerlink.wire;

import java.util.Locale;

/**
 * A violation of the protocol by the peer (or by an attacker on the path): one exception type with
 * an enum {@link Reason} and a message that carries the numbers that matter. Expected under attack,
 * so callers log it without a stack trace.
 */
public final class ProtocolException extends Exception {

    /** Why a connection was refused or ended, each mapped to the close code the peer may be sent. */
    public enum Reason {
        GARBAGE(CloseCode.PROTOCOL_ERROR),
        UNEXPECTED_FRAME(CloseCode.PROTOCOL_ERROR),
        TRUNCATED(CloseCode.PROTOCOL_ERROR),
        FRAME_TOO_LARGE(CloseCode.TOO_LARGE),
        MESSAGE_TOO_LARGE(CloseCode.TOO_LARGE),
        MALFORMED(CloseCode.PROTOCOL_ERROR),
        UNSUPPORTED_VERSION(CloseCode.PROTOCOL_ERROR),
        BAD_IDENTITY_KEY(CloseCode.PROTOCOL_ERROR),
        BAD_EPHEMERAL_KEY(CloseCode.PROTOCOL_ERROR),
        BAD_KEM_CIPHERTEXT(CloseCode.PROTOCOL_ERROR),
        BAD_RSA_CIPHERTEXT(CloseCode.PROTOCOL_ERROR),
        HANDSHAKE_DECRYPT_FAILED(CloseCode.DECRYPT_ERROR),
        KEY_CONFIRMATION_FAILED(CloseCode.DECRYPT_ERROR),
        DECRYPT_FAILED(CloseCode.DECRYPT_ERROR),
        FRAME_AFTER_CLOSE(CloseCode.PROTOCOL_ERROR),
        HANDSHAKE_TIMEOUT(CloseCode.TIMEOUT),
        IDLE_TIMEOUT(CloseCode.TIMEOUT),
        CONNECTION_CLOSED(CloseCode.PROTOCOL_ERROR);

        private final CloseCode closeCode;

        Reason(CloseCode closeCode) {
            this.closeCode = closeCode;
        }

        public CloseCode closeCode() {
            return closeCode;
        }

        /** The name in lowercase, for metric tags and logs: {@code bad_identity_key} under every locale. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public ProtocolException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return reason + ": " + getMessage();
    }
}
