/**
 * The transport: authenticated, encrypted connections to peers, and nothing of what the frames
 * mean to the user (no message states, no store).
 *
 * <p>The path of a connection, then of a frame, in order:
 * <ol>
 * <li>{@link io.peerlink.transport.Listener} accepts a socket; {@link io.peerlink.transport.Admission}
 * and the {@link io.peerlink.transport.SourceRateLimiter} admit it to a handshake slot or close it
 * before a byte is sent. (Outbound: {@link io.peerlink.transport.Dialer}, kept going by
 * {@link io.peerlink.transport.Redialer}.)</li>
 * <li>The handshake ({@code handshake.HandshakeDriver}) runs its CPU-heavy steps on the
 * {@link io.peerlink.transport.CryptoPool}; the connection takes a connection
 * {@link io.peerlink.transport.Slot} from {@link io.peerlink.transport.ConnectionSlots}: as a contact
 * ({@link io.peerlink.transport.PeerStanding}) or an own dial, any free one or the one of the unknown
 * identity idle the longest, let go for it; as an unknown identity, one within the unknowns' caps,
 * or CLOSE TOO_MANY_CONNECTIONS.</li>
 * <li>{@link io.peerlink.transport.Sessions} asks its owner (messaging) whether it admits the peer
 * (a blocked peer or a request over its quota gets its CLOSE here), attaches the
 * {@link io.peerlink.transport.PeerConnection} in the {@link io.peerlink.transport.PeerDirectory}
 * under the peer's entry lock (one connection per peer, the tie-break on duplicates; only the swap
 * happens under the lock), then, with no lock held, tells its owner the peer is handshaken, starts
 * the connection's loops and tells the owner it is attached.</li>
 * <li>The owner queues frames with {@code PeerConnection.send}; the send loop writes what is queued
 * in one batch and reports each MESSAGE written; the receive loop hands each MESSAGE and ACK to the
 * owner, and reads on only while fewer than {@code MAX_UNACKNOWLEDGED} messages wait for their ACK.</li>
 * <li>The connection ends (CLOSE, time-out, error, a write without progress): the send loop closes
 * the socket, gives the slot back and tells the owner, once.</li>
 * </ol>
 * Timers (close grace, the write-progress check) run on the one {@link io.peerlink.transport.Timers}
 * thread. What bounds each piece of memory per connection: {@link io.peerlink.transport.PeerConnection}.
 */
package io.peerlink.transport;
