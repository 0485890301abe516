package io.peerlink.bench;

import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionStreams;
import io.peerlink.crypto.CryptoProviders;
import io.peerlink.handshake.HandshakeDriver;
import io.peerlink.handshake.Session;
import io.peerlink.identity.Identity;
import io.peerlink.wire.Frame;
import io.peerlink.wire.Limits;
import io.peerlink.wire.RecordReader;
import io.peerlink.wire.RecordWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * peerlink itself: the real handshake ({@link HandshakeDriver}, RSA identities of the product's
 * default size on both sides) and the real record layer ({@link RecordReader}/{@link RecordWriter}),
 * the same classes and socket streams ({@link ConnectionStreams}: the elastic read buffer and the
 * JDK's default write buffer) the running peer uses. Each message is a MESSAGE frame (16-byte
 * id, 8-byte timestamp, the payload as text), so its records are 25 bytes larger than the
 * baselines' frames. Message ids come from a counter: the peer makes its ids when a message is
 * accepted, not on the send path.
 *
 * <p>{@code peerlink} sends each message with {@link RecordWriter#write}: one record, one write and
 * flush, which is what the peer's send loop does when one frame is waiting. {@code peerlink-batched}
 * is that send loop as it runs under load: messages are queued and a writer thread takes each
 * waiting batch with {@link RecordWriter#writeBatch} and {@link RecordWriter#BATCH_BYTES}, exactly the
 * call {@code PeerConnection} makes.
 *
 * <p>{@code crypto} picks the providers ({@link CryptoProviders}) for this subject's handshakes: the
 * product's default ({@code AUTO}: ACCP's RSA-OAEP decryption) or the JDK alone ({@code peerlink-jdk}),
 * so that one bench run compares the two. The choice is process-wide and is made in
 * {@link #prepareHandshakes}, before each timed round. The server's CPU steps run on a pool of one
 * platform thread per core, as the product's {@code CryptoPool} runs them, so the hand-off between
 * threads is part of the figure.
 */
final class PeerlinkTransport implements Transport {

    private static final Frame END = new Frame.KeepAlive();
    private final int rsaBits;
    private final boolean batched;
    private final Identity server;
    private final Identity client;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong serverHandshakes = new AtomicLong();
    private final CryptoProviders.Setting crypto;
    private final Executor cryptoPool;

    PeerlinkTransport(int rsaBits) throws GeneralSecurityException {
        this(rsaBits, CryptoProviders.Setting.AUTO);
    }

    PeerlinkTransport(int rsaBits, CryptoProviders.Setting crypto) throws GeneralSecurityException {
        this(rsaBits, false, crypto, identity(rsaBits), identity(rsaBits));
    }

    private PeerlinkTransport(int rsaBits, boolean batched, CryptoProviders.Setting crypto, Identity server,
            Identity client) {
        this.rsaBits = rsaBits;
        this.batched = batched;
        this.crypto = crypto;
        this.server = server;
        this.client = client;
        this.cryptoPool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
                Thread.ofPlatform().name("bench-crypto-" + crypto.name().toLowerCase(Locale.ROOT) + "-", 0)
                        .daemon().factory());
    }

    /** The same identities, sending through the queue and {@link RecordWriter#writeBatch}. */
    PeerlinkTransport batched() {
        return new PeerlinkTransport(rsaBits, true, crypto, server, client);
    }

    private static Identity identity(int bits) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return new Identity(g.generateKeyPair());
    }

    @Override
    public String name() {
        String name = batched ? "peerlink-batched" : "peerlink";
        return crypto == CryptoProviders.Setting.AUTO ? name : name + "-" + crypto.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String description() {
        return "peerlink v1: RSA-" + rsaBits + " identities both sides (RSA-OAEP-SHA256), X25519 + ML-KEM-768, "
                + "HKDF-SHA256, AES-256-GCM records with MESSAGE frames (+25 bytes each), "
                + (batched ? "queued, what waits written with one write (RecordWriter.writeBatch, as PeerConnection)"
                        : "one record, one write per message (RecordWriter.write)")
                + "; peerlink.crypto-provider=" + crypto.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void prepareHandshakes(int handshakes) {
        CryptoProviders.configure(crypto);
    }

    @Override
    public MessageChannel client(Socket socket) throws IOException, GeneralSecurityException {
        InputStream in = ConnectionStreams.input(socket, ConnectionObserver.NONE);
        OutputStream out = ConnectionStreams.output(socket, ConnectionObserver.NONE);
        try {
            Session s = HandshakeDriver.client(socket, in, out, client, random, Duration.ofSeconds(10), peer -> true);
            return new Channel(socket, in, out, s, batched);
        } catch (io.peerlink.wire.ProtocolException e) {
            throw new GeneralSecurityException(e.toString());
        }
    }

    @Override
    public MessageChannel server(Socket socket) throws IOException, GeneralSecurityException {
        InputStream in = ConnectionStreams.input(socket, ConnectionObserver.NONE);
        OutputStream out = ConnectionStreams.output(socket, ConnectionObserver.NONE);
        try {
            Session s = HandshakeDriver.server(socket, in, out, server, random, Duration.ofSeconds(10),
                    Duration.ofSeconds(10), cryptoPool);
            serverHandshakes.incrementAndGet();
            return new Channel(socket, in, out, s, batched);
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
        private final QueuedSender<Frame> queued;
        private final long idBits = System.nanoTime();
        private long sent;

        Channel(Socket socket, InputStream in, OutputStream out, Session session, boolean batched) {
            this.socket = socket;
            this.reader = new RecordReader(in, session.receiveCipher(), Limits.DEFAULTS);
            this.writer = new RecordWriter(out, session.sendCipher(), Limits.DEFAULTS);
            this.queued = batched ? new QueuedSender<>("peerlink-writer", END,
                    (first, more) -> writer.writeBatch(first, more, RecordWriter.BATCH_BYTES), socket::shutdownOutput)
                    : null;
        }

        @Override
        public void send(byte[] message) throws IOException {
            // payloads are ASCII, so the text is the payload byte for byte
            Frame frame = new Frame.Message(new UUID(idBits, sent++), System.currentTimeMillis(),
                    new String(message, StandardCharsets.ISO_8859_1));
            if (queued == null) {
                writer.write(frame);
            } else {
                queued.send(frame);
            }
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
            if (queued != null) {
                queued.finish(); // the writer shuts the output down after what was queued
            } else {
                socket.shutdownOutput();
            }
        }

        @Override
        public void close() throws IOException {
            try {
                if (queued != null) {
                    queued.close();
                }
            } finally {
                socket.close();
            }
        }
    }
}
