package io.peerlink.e2e;

import io.peerlink.handshake.Handshake;
import io.peerlink.identity.Identity;
import io.peerlink.wire.Frame;
import io.peerlink.wire.Limits;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.RecordReader;
import io.peerlink.wire.RecordWriter;
import io.peerlink.wire.WireConstants;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;

/**
 * A peer at the protocol level in the test JVM: dials a peer process from its own source address,
 * runs a real handshake, then reads and writes records as the test says (it may never read, to
 * play a peer that stops reading). Not thread-safe: one reader thread and one writer thread.
 */
final class ProtocolPeer implements AutoCloseable {

    final Socket socket;
    private final RecordReader reader;
    private final RecordWriter writer;

    private ProtocolPeer(Socket socket, RecordReader reader, RecordWriter writer) {
        this.socket = socket;
        this.reader = reader;
        this.writer = writer;
    }

    /** Dials {@code host:port} from {@code source} and completes a legitimate handshake as {@code identity}. */
    static ProtocolPeer connect(String source, String host, int port, Identity identity)
            throws IOException, ProtocolException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            Handshake hs = new Handshake(Handshake.Role.CLIENT, identity, new SecureRandom());
            hs.consumeServerHello(RawFrame.read(in, WireConstants.MAX_HANDSHAKE_FRAME_LENGTH));
            out.write(hs.createClientHello().bytes());
            out.flush();
            hs.consumeServerFinish(RawFrame.read(in, WireConstants.MAX_HANDSHAKE_FRAME_LENGTH));
            out.write(hs.createClientFinish().bytes());
            out.flush();
            var session = hs.split();
            return new ProtocolPeer(socket, new RecordReader(in, session.receiveCipher(), Limits.DEFAULTS),
                    new RecordWriter(out, session.sendCipher(), Limits.DEFAULTS));
        } catch (IOException | ProtocolException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Writes (and flushes) one frame; blocks while the other side does not read. */
    void write(Frame frame) throws IOException {
        writer.write(frame);
    }

    /** The next frame, null at the end of the stream. */
    Frame read() throws IOException, ProtocolException {
        return reader.read();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
