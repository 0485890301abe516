package io.peerlink.transport;

/**
 * Why the listener closed an inbound connection before its handshake (or, for {@link #RATE_LIMITED},
 * before decrypting its CLIENT_HELLO), each with the {@code reason} tag of the {@code peerlink.handshakes} metric (docs/PROTOCOL.md section 8).
 */
enum InboundRefusal {
    /** Every connection slot is taken ({@code max-connections}): not worth a handshake. */
    CAPACITY("capacity"),
    /** {@code max-handshakes} connections are already in their handshake. */
    MAX_HANDSHAKES("max-handshakes"),
    /** {@code max-handshakes-per-address} connections from this address are already in their handshake. */
    MAX_HANDSHAKES_PER_ADDRESS("max-handshakes-per-address"),
    /**
     * This source used up its token bucket: at accept while the handshake budget is more than half
     * used, otherwise when the CLIENT_HELLO arrived (closed then, before it is decrypted).
     */
    RATE_LIMITED("rate-limited"),
    /** The pool for the handshakes' RSA and ML-KEM work has no room left in its queue. */
    CRYPTO_BUSY("crypto-busy");

    private final String tag;

    InboundRefusal(String tag) {
        this.tag = tag;
    }

    /** The metric tag and the name in logs. */
    String tag() {
        return tag;
    }
}
