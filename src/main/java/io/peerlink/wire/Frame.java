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

    /** The relay's control frames (version 2, inner types 0x10..0x15), docs/PROTOCOL.md section 12. */
    sealed interface Relay extends Frame {
    }

    /** Client to relay: reserve a slot, or renew the reservation held. */
    record Reserve() implements Relay {
    }

    /** Relay to client: the reservation holds for {@code lifetimeSeconds} unless renewed. */
    record ReserveOk(long lifetimeSeconds) implements Relay {
        public ReserveOk {
            if (lifetimeSeconds < 0 || lifetimeSeconds > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("lifetime out of range: " + lifetimeSeconds);
            }
        }
    }

    /** Dialler to relay: open circuit {@code id} to {@code targetPeerId} (64 hex digits). */
    record CircuitRequest(UUID id, String targetPeerId) implements Relay {
        public CircuitRequest {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(targetPeerId, "targetPeerId");
        }
    }

    /** Relay to dialler: join circuit {@code id} with {@code secret} (32 bytes). */
    record CircuitReady(UUID id, byte[] secret) implements Relay {
        public CircuitReady {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "CircuitReady[id=" + id + "]";
        }
    }

    /** Relay to a reserved peer: someone asked for circuit {@code id}; join it with {@code secret}. */
    record IncomingCircuit(UUID id, byte[] secret) implements Relay {
        public IncomingCircuit {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "IncomingCircuit[id=" + id + "]";
        }
    }

    /**
     * Relay to client: the request of inner type {@code refusedType} (RESERVE or CIRCUIT_REQUEST) is
     * refused; {@code id} is the circuit's (all zero for a reservation).
     */
    record RelayRefused(byte refusedType, UUID id, RelayRefusal reason) implements Relay {
        public RelayRefused {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
