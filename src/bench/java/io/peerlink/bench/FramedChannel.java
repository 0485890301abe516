package io.peerlink.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;

/**
 * A {@link MessageChannel} that sends each message as one frame over a socket's streams, turning
 * messages into frames with one {@link Framing} per direction. The socket may be an
 * {@code SSLSocket}, whose streams carry the frames inside TLS records.
 */
public final class FramedChannel implements MessageChannel {

    private final Socket socket;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final Framing sending;
    private final Framing receiving;

    public FramedChannel(Socket socket, Framing sending, Framing receiving) throws IOException {
        this(socket, socket.getInputStream(), socket.getOutputStream(), sending, receiving);
    }

    /**
     * For a transport whose handshake already wrapped the socket's streams: {@code in} must hold
     * every byte the handshake read ahead, and nothing may buffer {@code out} without flushing.
     */
    public FramedChannel(Socket socket, InputStream in, OutputStream out, Framing sending, Framing receiving) {
        this.socket = socket;
        this.reader = new FrameReader(in);
        this.writer = new FrameWriter(out);
        this.sending = sending;
        this.receiving = receiving;
    }

    @Override
    public void send(byte[] message) throws IOException, GeneralSecurityException {
        writer.write(sending.seal(message));
    }

    @Override
    public byte[] receive() throws IOException, GeneralSecurityException {
        Frame frame = reader.read();
        return frame == null ? null : receiving.open(frame);
    }

    @Override
    public boolean discard() throws IOException {
        return reader.skip();
    }

    @Override
    public void shutdownOutput() throws IOException {
        // On an SSLSocket this sends close_notify; TLS 1.3 keeps the other direction open.
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
