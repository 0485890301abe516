package io.peerlink.wire;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/** The frames carried inside encrypted records after the handshake. */
public sealed interface Frame {

    /** A chat message; {@code sentAtMillis} is the sender's clock in Unix milliseconds. */
    record Message(UUID id, long sentAtMillis, String text) implements Frame {
        public Message {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String toString() {
            // Plaintext stays out of logs.
            return "Message[id=" + id + ", sentAt=" + sentAtMillis + ", textChars=" + text.length() + "]";
        }
    }

    /** The receiver stored the message with this id. */
    record Ack(UUID id) implements Frame {
        public Ack {
            Objects.requireNonNull(id, "id");
        }
    }

    /** Sent when a direction has been idle, so the peer knows the connection is alive. */
    record KeepAlive() implements Frame {
    }

    /** The sender ends the connection and sends nothing more. */
    record Close(CloseCode code) implements Frame {
        public Close {
            Objects.requireNonNull(code, "code");
        }
    }

    /** The sender's next record is under the next key of its direction. */
    record KeyUpdate() implements Frame {
    }

    /**
     * A one-time grant the client presents once, as its first record (protocol version 2): the
     * token of the invite it connects with. Not a record: the token is a secret, kept out of
     * {@code toString}, and {@link #wipe}d once used.
     */
    final class Grant implements Frame {
        private final byte[] token;

        public Grant(byte[] token) {
            Objects.requireNonNull(token, "token");
            if (token.length < WireConstants.MIN_GRANT_LENGTH || token.length > WireConstants.MAX_GRANT_LENGTH) {
                throw new IllegalArgumentException("a grant token has " + WireConstants.MIN_GRANT_LENGTH + " to "
                        + WireConstants.MAX_GRANT_LENGTH + " bytes, not " + token.length);
            }
            this.token = token.clone();
        }

        /** A copy of the token. */
        public byte[] token() {
            return token.clone();
        }

        int length() {
            return token.length;
        }

        void copyTo(byte[] destination, int offset) {
            System.arraycopy(token, 0, destination, offset, token.length);
        }

        /** Overwrites the token with zeros. */
        public void wipe() {
            Arrays.fill(token, (byte) 0);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Grant other && java.security.MessageDigest.isEqual(token, other.token);
        }

        @Override
        public int hashCode() {
            return token.length; // never the token's bytes
        }

        @Override
        public String toString() {
            return "Grant[" + token.length + " bytes]";
        }
    }
}
