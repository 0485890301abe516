package io.peerlink.bench;

import java.io.Closeable;
import java.io.IOException;
import java.security.GeneralSecurityException;

/** An established connection that carries whole messages. */
public interface MessageChannel extends Closeable {

    /**
     * Sends one message and flushes it to the socket (no batching across calls: one message, one
     * write). The channel must not keep a reference to {@code message} after returning.
     */
    void send(byte[] message) throws IOException, GeneralSecurityException;

    /** The next message, or {@code null} once the peer has shut down its output at a frame boundary. */
    byte[] receive() throws IOException, GeneralSecurityException;

    /**
     * Reads and drops the next message without decrypting it where the transport can (used to drain
     * the connection after a measurement); returns false at end of stream.
     */
    default boolean discard() throws IOException, GeneralSecurityException {
        return receive() != null;
    }

    /** No more sends: the peer's {@link #receive()} returns {@code null} after the last message. */
    void shutdownOutput() throws IOException;

    /** Closes the connection and its socket. */
    @Override
    void close() throws IOException;
}
