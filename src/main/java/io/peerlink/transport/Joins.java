package io.peerlink.transport;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A relay's side of the JOIN step (docs/PROTOCOL.md section 12): takes over an inbound connection
 * whose client sent a JOIN instead of CLIENT_HELLO.
 */
public interface Joins {

    /**
     * Takes over {@code socket} and its streams ({@code in} may already hold bytes the client sent
     * after the JOIN): from now on the callee closes them, once. {@code join} is the JOIN body.
     */
    void join(byte[] join, Socket socket, InputStream in, OutputStream out);
}
