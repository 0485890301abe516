package io.peerlink.transport;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * The buffered streams a connection reads and writes its socket through, the same for the dialer,
 * the listener, and the benchmark's peerlink transport (so that it measures what the peer does).
 *
 * <p>Thread-safe (no state).
 */
public final class ConnectionStreams {

    /**
     * The largest read buffer of a connection, held only while data is waiting ({@link
     * ElasticInputStream}); an idle connection holds {@value ElasticInputStream#IDLE_BUFFER} bytes.
     * (A fixed 64 KiB BufferedInputStream and a 64 KiB BufferedOutputStream were 128 KiB of heap per
     * idle connection: issue 12's scale bench. A fixed 16 KiB read buffer cost 40-70 % of the
     * throughput at 4 KiB messages.)
     */
    static final int INPUT_BUFFER = 64 * 1024;

    private ConnectionStreams() {
    }

    /** The socket's input as a connection reads it (handshake, then records), counting into {@code observer}. */
    public static InputStream input(Socket socket, ConnectionObserver observer) throws IOException {
        return new ElasticInputStream(CountingStreams.in(socket.getInputStream(), observer::bytesIn), INPUT_BUFFER);
    }

    /**
     * The JDK's default buffer on purpose: created on a virtual thread (every inbound handshake
     * runs on one) it starts at 512 bytes and grows only as far as the writes need, up to 8 KiB; on
     * a platform thread it is 8 KiB from the start. A write larger than the buffer goes straight to
     * the socket.
     */
    public static OutputStream output(Socket socket, ConnectionObserver observer) throws IOException {
        return new BufferedOutputStream(CountingStreams.out(socket.getOutputStream(), observer::bytesOut));
    }
}
