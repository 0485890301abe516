package io.peerlink.wire;

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
}
