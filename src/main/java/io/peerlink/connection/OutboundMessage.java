package io.peerlink.connection;

import java.time.Instant;
import java.util.UUID;

/**
 * A message accepted for sending.
 *
 * @param id the message id, unique per message, carried on the wire
 * @param to the recipient's peerId
 * @param status SENT when handed to an open connection, QUEUED when it waits for the peer to reconnect
 * @param createdAt when the message was accepted
 */
public record OutboundMessage(UUID id, String to, Status status, Instant createdAt) {

    public enum Status { SENT, QUEUED }
}
