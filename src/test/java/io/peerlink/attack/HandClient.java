package io.peerlink.attack;

import io.peerlink.handshake.Handshake;
import io.peerlink.handshake.Session;
import io.peerlink.identity.Identity;
import io.peerlink.wire.Frame;
import io.peerlink.wire.Limits;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.RecordReader;
import io.peerlink.wire.RecordWriter;
import io.peerlink.wire.WireConstants;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * A client driven by hand: a real handshake through {@link Handshake}, then records sealed into a
 * buffer by a {@link RecordWriter} so that a test can tamper with, drop, repeat or reorder them
 * before they go on the wire.
 */
final class HandClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final Session session;
    private final ByteArrayOutputStream sealed = new ByteArrayOutputStream();
    private final RecordWriter writer;
    private final RecordReader reader;

    private HandClient(Socket socket, InputStream in, Session session) {
        this.socket = socket;
        this.in = in;
        this.session = session;
        this.writer = new RecordWriter(sealed, session.sendCipher(), Limits.DEFAULTS);
        this.reader = new RecordReader(in, session.receiveCipher(), Limits.DEFAULTS);
    }

    /** Dials the victim and completes a legitimate handshake as {@code identity}. */
    static HandClient connect(int port, Identity identity) throws IOException, ProtocolException {
        Socket socket = Wire.dial(port);
        try {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Handshake hs = new Handshake(Handshake.Role.CLIENT, identity, new SecureRandom());
            hs.consumeServerHello(Wire.readFrame(in));
            Wire.send(socket, hs.createClientHello());
            hs.consumeServerFinish(Wire.readFrame(in));
            Wire.send(socket, hs.createClientFinish());
            return new HandClient(socket, in, hs.split());
        } catch (IOException | ProtocolException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    Session session() {
        return session;
    }

    /** The records for {@code frames}, sealed in order under the client's send key, not yet sent. */
    byte[] seal(Frame... frames) throws IOException {
        for (Frame f : frames) {
            writer.write(f);
        }
        byte[] out = sealed.toByteArray();
        sealed.reset();
        return out;
    }

    /**
     * One record around {@code plaintext} as given, under the same send key and counter as
     * {@link #seal}: for inner frames the writer would never produce (or would refuse to send).
     */
    byte[] sealRaw(byte[] plaintext) throws GeneralSecurityException {
        byte[] header = RawFrame.header(WireConstants.TYPE_RECORD, plaintext.length + WireConstants.TAG_LENGTH);
        return Wire.concat(header, session.sendCipher().encrypt(header, plaintext));
    }

    void send(byte[] bytes) throws IOException {
        Wire.send(socket, bytes);
    }

    /**
     * Reads the victim's records until its CLOSE (KEEP_ALIVE and ACK are skipped) and returns it;
     * null if the connection ended without one.
     */
    Frame.Close awaitClose() throws IOException, ProtocolException {
        while (true) {
            Frame f = reader.read();
            if (f == null) {
                return null;
            }
            if (f instanceof Frame.Close c) {
                return c;
            }
        }
    }

    /**
     * Reads the victim's records until the ACK for {@code id} (KEEP_ALIVE and other ACKs are
     * skipped) and returns true; false if a CLOSE or the end of the connection came first.
     */
    boolean awaitAck(java.util.UUID id) throws IOException, ProtocolException {
        while (true) {
            Frame f = reader.read();
            if (f == null || f instanceof Frame.Close) {
                return false;
            }
            if (f instanceof Frame.Ack ack && ack.id().equals(id)) {
                return true;
            }
        }
    }

    /** Reads the victim's records until a MESSAGE (KEEP_ALIVE and ACK are skipped); null if none came. */
    Frame.Message awaitMessage() throws IOException, ProtocolException {
        while (true) {
            Frame f = reader.read();
            if (f == null || f instanceof Frame.Close) {
                return null;
            }
            if (f instanceof Frame.Message m) {
                return m;
            }
        }
    }

    Duration awaitClosedByPeer() throws IOException {
        return Wire.awaitClosedByPeer(socket, in, Wire.PATIENCE);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
