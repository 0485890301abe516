package io.peerlink.transport;

import java.net.Socket;
import java.util.Set;

/**
 * A connection from its accept (or dial) to its hand-over: the socket, the connection slot once
 * taken, and its registration among the handshakes in progress (which {@code stop} aborts). One
 * owner, closed once whatever happens (try-with-resources): closing it releases all three, unless
 * {@link #establish} handed the socket and the slot to the established {@link PeerConnection}
 * before; then only the registration ends. The failure path copies noise-java's
 * {@code HandshakeState}: nothing is released in a catch branch.
 *
 * <p>Not thread-safe: used by the one thread that runs this connection's handshake (its socket
 * may be closed from elsewhere, which only makes that thread's I/O fail).
 */
final class PendingConnection implements AutoCloseable {

    private final Socket socket;
    private final Set<Socket> handshaking;
    private Slot slot;
    private boolean established;
    private boolean closed;

    /** Registers {@code socket} in {@code handshaking}; {@code slot} may be null (taken later). */
    PendingConnection(Socket socket, Set<Socket> handshaking, Slot slot) {
        this.socket = socket;
        this.handshaking = handshaking;
        this.slot = slot;
        handshaking.add(socket);
    }

    Socket socket() {
        return socket;
    }

    /** The connection slot, null until {@link #hold} got one. */
    Slot slot() {
        return slot;
    }

    /** From now on this owns {@code connectionSlot} (it had none before). */
    void hold(Slot connectionSlot) {
        if (slot != null) {
            throw new IllegalStateException("this connection already holds a slot");
        }
        slot = connectionSlot;
    }

    /**
     * The established connection now owns the socket and the slot (it releases them when it ends):
     * closing this only ends the registration.
     */
    void establish() {
        established = true;
        handshaking.remove(socket);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        handshaking.remove(socket);
        if (!established) {
            Sessions.closeQuietly(socket);
            if (slot != null) {
                slot.close();
            }
        }
    }
}
