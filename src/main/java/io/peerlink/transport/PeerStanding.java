package io.peerlink.transport;

/**
 * Who this peer counts as a contact, asked by the listener once per inbound connection, after its
 * handshake (the peer's identity is proven only then) and before the connection is attached. A
 * contact may take any connection slot, even one an unknown identity is let go of; any other
 * inbound peer is an unknown identity, held to the unknowns' part of {@code max-connections}
 * ({@link ConnectionSlots}). This peer's own dials always count as a contact's.
 *
 * <p>Implementations are called from many threads at once and must not wait (no store commit).
 */
@FunctionalInterface
public interface PeerStanding {

    /** Whether {@code peerId} is a contact of this peer. */
    boolean isContact(String peerId);
}
