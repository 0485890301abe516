package io.peerlink.sealed;

import java.util.Locale;

/**
 * A sealed message, prekey bundle or sender certificate that is refused: one exception type with an
 * enum {@link Reason} and a message that carries the numbers that matter (docs/PROTOCOL.md,
 * "Sealed messages and prekeys", errors). Every failure to decrypt is {@link Reason#NOT_AUTHENTIC}, whatever its cause, so a caller
 * (and whoever sent the bytes) cannot tell a wrong key from a flipped bit. Expected under attack, so
 * callers log it without a stack trace.
 */
public final class SealedException extends Exception {

    /** Why the input was refused. */
    public enum Reason {
        /** Shorter than its layout, a length prefix out of range, bytes left over, text not UTF-8. */
        MALFORMED,
        /** Longer than the largest sealed message the spec allows. */
        TOO_LARGE,
        /** A version byte other than 1. */
        UNSUPPORTED_VERSION,
        /** An RSA identity key peers do not accept (section 3), or not the identity that was expected. */
        BAD_IDENTITY_KEY,
        /** A prekey or sender certificate whose RSA-PSS signature does not verify. */
        BAD_SIGNATURE,
        /** A prekey's X25519 or ML-KEM-768 public key that cannot be used (low order, failed modulus check). */
        BAD_PREKEY,
        /** A prekey or sealing key past its expiry. */
        EXPIRED,
        /** The recipient holds no prekey with this id (never issued, or deleted after its expiry). */
        UNKNOWN_PREKEY,
        /** A second message on a one-time prekey that an earlier message consumed. */
        PREKEY_CONSUMED,
        /** Decryption failed: wrong recipient, wrong sender key, any tampered byte. The cause is not told. */
        NOT_AUTHENTIC;

        /** The name in lowercase, for metric tags and logs: {@code prekey_consumed} under every locale. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public SealedException(Reason reason, String message) {
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
