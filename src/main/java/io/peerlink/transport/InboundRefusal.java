package io.peerlink.transport;

/**
 * Why the listener closed an inbound connection before its handshake (or, for {@link #RATE_LIMITED},
 * before decrypting its CLIENT_HELLO; for {@link #CAPACITY}, {@link #UNKNOWN_TOTAL} and
 * {@link #UNKNOWN_PER_ADDRESS}, also right after its handshake, with CLOSE TOO_MANY_CONNECTIONS),
 * each with the {@code reason} tag of the {@code peerlink.handshakes} metric (docs/PROTOCOL.md section 8).
 */
enum InboundRefusal {
    /**
     * Every connection slot is taken ({@code max-connections}), and none by an unknown identity that
     * a contact could take it from: not worth a handshake. After the handshake: no slot is free.
     */
    CAPACITY("capacity"),
    /**
     * After the handshake, an unknown identity: unknown identities already hold their whole part
     * of {@code max-connections} (all but the {@code reserved-connections-percent}).
     */
    UNKNOWN_TOTAL("unknown-total"),
    /**
     * After the handshake, an unknown identity: {@code max-unknown-connections-per-address}
     * unknown identities from this address are already connected.
     */
    UNKNOWN_PER_ADDRESS("unknown-per-address"),
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
