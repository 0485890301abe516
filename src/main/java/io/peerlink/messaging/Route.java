package io.peerlink.messaging;

import io.peerlink.transport.PeerConnection;
import io.peerlink.wire.Frame;

/**
 * A way to reach a peer now, as {@link Delivery} sees it: is it open, and queue this message on it.
 * What was written and what was acknowledged comes back through {@link Delivery}'s callbacks. The
 * direct connection is one route ({@link #direct}); a relay or a mailbox would be another, beside it,
 * without a change to the transport.
 *
 * <p>Implementations are thread-safe.
 */
interface Route {

    /** The peer this route reaches. */
    String peerId();

    /** Whether messages queued now can still go out on this route. */
    boolean isOpen();

    /** Queues {@code message} behind those already queued; false when the route is closed. */
    boolean send(Frame.Message message);

    /** Ends the route (a failure on this side): what is in flight goes out again on the next route. */
    void abandon(String reason);

    /** The direct, authenticated connection to the peer. */
    static Route direct(PeerConnection connection) {
        return new Route() {
            @Override
            public String peerId() {
                return connection.peer().peerId();
            }

            @Override
            public boolean isOpen() {
                return connection.isOpen();
            }

            @Override
            public boolean send(Frame.Message message) {
                return connection.send(message);
            }

            @Override
            public void abandon(String reason) {
                connection.close(io.peerlink.wire.CloseCode.GOING_AWAY, reason);
            }
        };
    }
}
