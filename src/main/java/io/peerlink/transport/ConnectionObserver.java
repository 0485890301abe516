package io.peerlink.transport;

import io.peerlink.wire.ProtocolException;

/** Callbacks for counting what the connections do (metrics); every method defaults to nothing. */
public interface ConnectionObserver {

    ConnectionObserver NONE = new ConnectionObserver() {
    };

    /**
     * A handshake completed; {@code nanos} from the connected (outbound) or accepted (inbound) socket
     * to the established session.
     */
    default void handshakeSucceeded(Direction direction, long nanos) {
    }

    /**
     * {@code reason} is a {@link ProtocolException.Reason} tag, io, unreachable, fingerprint-mismatch,
     * internal, or, for an inbound connection closed before its handshake, one of the admission
     * refusals: capacity, max-handshakes, max-handshakes-per-address, rate-limited, crypto-busy
     * (rate-limited also for one closed when its CLIENT_HELLO arrived, before it was decrypted), or,
     * for one refused right after its handshake with CLOSE TOO_MANY_CONNECTIONS, unknown-total,
     * unknown-per-address or capacity.
     */
    default void handshakeFailed(Direction direction, String reason) {
    }

    default void messageSent() {
    }

    default void messageReceived() {
    }

    /** A frame or message was refused; {@code reason} names why. */
    default void messageRejected(String reason) {
    }

    default void bytesIn(long n) {
    }

    default void bytesOut(long n) {
    }
}
