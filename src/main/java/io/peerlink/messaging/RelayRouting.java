package io.peerlink.messaging;

import io.peerlink.identity.PeerKey;
import io.peerlink.relay.Relay;
import io.peerlink.relay.RelayClient;
import io.peerlink.transport.Direction;
import io.peerlink.transport.PeerConnection;
import io.peerlink.transport.Sessions;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.Frame;

/**
 * The owner of the connections as {@link Sessions} sees it: messaging ({@link Delivery}) gets every
 * message and connection event; the relay's control frames go to the relay role (requests) or to
 * this peer as a relay's client (answers), which are also told when connections come and go.
 *
 * <p>Thread-safe (its parts are).
 */
final class RelayRouting implements Sessions.Owner {

    private final Delivery delivery;
    private final Relay relay;
    private final RelayClient client;

    RelayRouting(Delivery delivery, Relay relay, RelayClient client) {
        this.delivery = delivery;
        this.relay = relay;
        this.client = client;
    }

    @Override
    public CloseCode admit(PeerKey peer, Direction direction, String dialAddress) {
        return delivery.admit(peer, direction, dialAddress);
    }

    @Override
    public void handshaken(PeerKey peer, Direction direction, String dialAddress) {
        delivery.handshaken(peer, direction, dialAddress);
    }

    @Override
    public void attached(PeerConnection connection) {
        delivery.attached(connection);
        client.attached(connection);
    }

    @Override
    public void onMessage(PeerConnection connection, Frame.Message message) {
        delivery.onMessage(connection, message);
    }

    @Override
    public void onAck(PeerConnection connection, Frame.Ack ack) {
        delivery.onAck(connection, ack);
    }

    @Override
    public void onWritten(PeerConnection connection, Frame.Message message) {
        delivery.onWritten(connection, message);
    }

    @Override
    public void onGrant(PeerConnection connection, Frame.Grant grant) {
        delivery.onGrant(connection, grant);
    }

    @Override
    public void onClosed(PeerConnection connection, String reason) {
        delivery.onClosed(connection, reason);
        relay.closed(connection);
        client.closed(connection);
    }

    @Override
    public void onRelay(PeerConnection connection, Frame.Relay frame) {
        switch (frame) {
            case Frame.Reserve r -> relay.onRequest(connection, r);
            case Frame.CircuitRequest r -> relay.onRequest(connection, r);
            case Frame.ReserveOk r -> client.onAnswer(connection, r);
            case Frame.CircuitReady r -> client.onAnswer(connection, r);
            case Frame.IncomingCircuit r -> client.onAnswer(connection, r);
            case Frame.RelayRefused r -> client.onAnswer(connection, r);
        }
    }
}
