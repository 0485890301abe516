package io.peerlink.bench;

import io.peerlink.handshake.HandshakeDriver;
import io.peerlink.handshake.Session;
import io.peerlink.identity.Identity;
import io.peerlink.wire.Frame;
import io.peerlink.wire.Limits;
import io.peerlink.wire.RecordReader;
import io.peerlink.wire.RecordWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * peerlink itself: the real handshake ({@link HandshakeDriver}, RSA identities of the product's
 * default size on both sides) and the real record layer ({@link RecordReader}/{@link RecordWriter}),
 * the same classes and stream set-up the running peer uses, minus its queue and threads. Each message
 * is a MESSAGE frame (16-byte id, 8-byte timestamp, the payload as text), so its records are 25 bytes
 * larger than the baselines' frames.
 */
final class PeerlinkTransport implements Transport {

    private static final int BUFFER = 64 * 1024;
    private final int rsaBits;
    private final Identity server;
    private final Identity client;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong serverHandshakes = new AtomicLong();

    PeerlinkTransport(int rsaBits) throws GeneralSecurityException {
        this.rsaBits = rsaBits;
        this.server = identity(rsaBits);
        this.client = identity(rsaBits);
    }

    private static Identity identity(int bits) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return new Identity(g.generateKeyPair());
    }

    @Override
    public String name() {
        return "peerlink";
    }

    @Override
    public String description() {
        return "peerlink v1: RSA-" + rsaBits + " identities both sides (RSA-OAEP-SHA256), X25519 + ML-KEM-768, "
                + "HKDF-SHA256, AES-256-GCM records with MESSAGE frames (+25 bytes each)";
    }

    @Override
    public MessageChannel client(Socket socket) throws IOException, GeneralSecurityException {
        InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER);
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
        try {
            Session s = HandshakeDriver.client(socket, in, out, client, random, Duration.ofSeconds(10), peer -> true);
            return new Channel(socket, in, out, s);
        } catch (io.peerlink.wire.ProtocolException e) {
            throw new GeneralSecurityException(e.toString());
        }
    }

    @Override
    public MessageChannel server(Socket socket) throws IOException, GeneralSecurityException {
        InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER);
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
        try {
            Session s = HandshakeDriver.server(socket, in, out, server, random, Duration.ofSeconds(10),
                    Duration.ofSeconds(10), Runnable::run);
            serverHandshakes.incrementAndGet();
            return new Channel(socket, in, out, s);
        } catch (io.peerlink.wire.ProtocolException e) {
            throw new GeneralSecurityException(e.toString());
        }
    }

    @Override
    public long fullServerHandshakes() {
        return serverHandshakes.get();
    }

    private static final class Channel implements MessageChannel {
        private final Socket socket;
        private final RecordReader reader;
        private final RecordWriter writer;

        Channel(Socket socket, InputStream in, OutputStream out, Session session) {
            this.socket = socket;
            this.reader = new RecordReader(in, session.receiveCipher(), Limits.DEFAULTS);
            this.writer = new RecordWriter(out, session.sendCipher(), Limits.DEFAULTS);
        }

        @Override
        public void send(byte[] message) throws IOException {
            // payloads are ASCII, so the text is the payload byte for byte
            writer.write(new Frame.Message(UUID.randomUUID(), System.currentTimeMillis(),
                    new String(message, StandardCharsets.ISO_8859_1)));
        }

        @Override
        public byte[] receive() throws IOException, GeneralSecurityException {
            try {
                Frame f = reader.read();
                if (f == null || f instanceof Frame.Close) {
                    return null;
                }
                if (f instanceof Frame.Message m) {
                    return m.text().getBytes(StandardCharsets.ISO_8859_1);
                }
                return receive();
            } catch (io.peerlink.wire.ProtocolException e) {
                throw new GeneralSecurityException(e.toString());
            }
        }

        @Override
        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
