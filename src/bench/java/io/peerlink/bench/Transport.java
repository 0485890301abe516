package io.peerlink.bench;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;

/**
 * One way of carrying application messages between two peers over a connected TCP socket: its
 * handshake, if it has one, and its framing. The load tool opens the sockets (on 127.0.0.1 only),
 * hands one end to {@link #client} and the other to {@link #server}, and from then on only sends and
 * receives whole messages through the returned {@link MessageChannel}s.
 *
 * <p>What the load tool measures with it:
 * <ul>
 *   <li>handshake: from the client's {@code connect()} until the client has received the first
 *       message the server sends after its own {@link #server} returned, so both roles have finished;</li>
 *   <li>throughput and latency: messages sent client to server over one established connection.</li>
 * </ul>
 *
 * <p>One instance serves many connections at once and must be thread-safe; each channel it returns
 * is used by at most one sending and one receiving thread.
 */
public interface Transport {

    /** Short name for the results table: "plain", "tls13", "peerlink", … */
    String name();

    /** One line for the notes: protocol, cipher, key sizes. */
    default String description() {
        return name();
    }

    /** Client role: runs the handshake, if any, over a connected socket and returns the open channel. */
    MessageChannel client(Socket socket) throws IOException, GeneralSecurityException;

    /** Server role, on an accepted socket. */
    MessageChannel server(Socket socket) throws IOException, GeneralSecurityException;

    /** Whether {@link #client}/{@link #server} perform a handshake worth timing. */
    default boolean hasHandshake() {
        return true;
    }

    /**
     * Called, untimed, before the load tool times {@code handshakes} new connections, so that set-up
     * that is not part of a handshake stays outside the timing (TLS: one fresh client context per
     * connection, so that no session can be resumed).
     */
    default void prepareHandshakes(int handshakes) {
    }

    /**
     * How many full handshakes the server side has completed so far, counted independently of the
     * load tool (TLS: uses of the server's private key), or -1 if the transport cannot tell. The
     * handshake test checks it against its own count to prove that no handshake was abbreviated.
     */
    default long fullServerHandshakes() {
        return -1;
    }
}
