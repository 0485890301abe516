/**
 * Messaging over the transport: which message goes where, its states, the inbox and the contacts,
 * all over the durable store.
 *
 * <p>The path of an outbound message, in order:
 * <ol>
 * <li>{@link io.peerlink.messaging.PeerConnectionService#send} resolves the recipient
 * ({@link io.peerlink.messaging.Contacts}) and hands the text to
 * {@link io.peerlink.messaging.Delivery}, which stores it QUEUED and waits for the commit.</li>
 * <li>If the peer is connected, the message is offered to its connection's window, which queues it
 * on the connection's {@link io.peerlink.messaging.Route} at once when its last store read reached the
 * end of the backlog and it has room, or else reads it from the store (after the last one it read)
 * once ACKs make room; otherwise the next connection's window
 * reads it, with the rest of the backlog, oldest first, a window at a time.</li>
 * <li>The connection reports it written: SENT. The peer's ACK: DELIVERED, and the window reads on.
 * A connection that ends first leaves it SENT: the next connection sends it again.</li>
 * </ol>
 * An inbound message: the connection hands it to {@link io.peerlink.messaging.Delivery}, which first
 * reserves room for it against the sender's relation and quotas ({@link io.peerlink.messaging.Relations}:
 * a blocked sender, a request over its quota, a contact over its storage quota or a nearly full disk
 * get no ACK and a CLOSE saying why), then stores
 * it (a copy of one stored before costs no commit) and, once committed, has the connection ACK it;
 * {@link io.peerlink.messaging.Inbox} serves it to the API by cursor. A client's GRANT, its first
 * record when it dialled from a one-time invite, is decided before anything after it: an open grant
 * is used in the commit that makes the sender a contact, so its messages count against a contact's
 * quota from the first one on.
 */
package io.peerlink.messaging;
