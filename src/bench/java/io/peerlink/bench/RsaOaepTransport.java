package io.peerlink.bench;

import io.peerlink.crypto.RsaOaep;
import io.peerlink.wire.RawFrame;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAKey;
import java.util.Arrays;

/**
 * Baseline: the original demo's design. Every message is encrypted with the recipient's RSA public
 * key (RSA-OAEP, SHA-256, MGF1-SHA-256, through {@link RsaOaep}) and decrypted with its private key.
 * A message longer than one OAEP block ({@code modulus bytes - 2*32 - 2}: 190 bytes for RSA-2048,
 * 318 for RSA-3072) is cut into chunks of that size, each encrypted separately, and the frame body is
 * the concatenation of the blocks (a multiple of the modulus length). There is no handshake: each
 * side is given the other's public key in advance. One key pair stands for both peers' keys (the
 * measurements only send client to server; generating RSA-3072 keys is slow).
 */
final class RsaOaepTransport implements Transport {

    /** OAEP overhead with SHA-256: two hash lengths and two bytes (RFC 8017 section 7.1.1). */
    static final int OAEP_OVERHEAD = 2 * 32 + 2;

    private final int bits;
    private final KeyPair clientKeys;
    private final KeyPair serverKeys;

    RsaOaepTransport(int bits) throws GeneralSecurityException {
        this.bits = bits;
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        this.serverKeys = generator.generateKeyPair();
        this.clientKeys = serverKeys;
    }

    @Override
    public String name() {
        return "rsa-oaep-" + bits;
    }

    @Override
    public String description() {
        int chunk = bits / 8 - OAEP_OVERHEAD;
        return "RSA-OAEP-SHA256 " + bits + " per message, " + chunk + "-byte chunks, one block each";
    }

    @Override
    public boolean hasHandshake() {
        return false;
    }

    @Override
    public MessageChannel client(Socket socket) throws IOException {
        return new FramedChannel(socket, new Sealing(serverKeys.getPublic()), new Opening(clientKeys.getPrivate()), false);
    }

    @Override
    public MessageChannel server(Socket socket) throws IOException {
        return new FramedChannel(socket, new Sealing(clientKeys.getPublic()), new Opening(serverKeys.getPrivate()), false);
    }

    /** Encrypts to the recipient's public key. */
    private static final class Sealing implements Framing {
        private final PublicKey recipient;
        private final int blockLength;
        private final int chunkLength;
        private final SecureRandom random = new SecureRandom();

        Sealing(PublicKey recipient) {
            this.recipient = recipient;
            this.blockLength = RsaOaep.ciphertextLength((RSAKey) recipient);
            this.chunkLength = blockLength - OAEP_OVERHEAD;
        }

        @Override
        public byte type() {
            return Frames.TYPE_RSA_OAEP;
        }

        @Override
        public byte[] seal(byte[] message) {
            int blocks = Math.max(1, (message.length + chunkLength - 1) / chunkLength);
            byte[] body = new byte[blocks * blockLength];
            for (int i = 0; i < blocks; i++) {
                byte[] chunk = Arrays.copyOfRange(message, i * chunkLength,
                        Math.min(message.length, (i + 1) * chunkLength));
                byte[] block = RsaOaep.encrypt(recipient, chunk, random);
                System.arraycopy(block, 0, body, i * blockLength, blockLength);
            }
            return body;
        }

        @Override
        public byte[] open(RawFrame frame) {
            throw new UnsupportedOperationException("sealing side");
        }
    }

    /** Decrypts with the own private key, one block at a time. */
    private static final class Opening implements Framing {
        private final PrivateKey key;
        private final int blockLength;
        private final int chunkLength;

        Opening(PrivateKey key) {
            this.key = key;
            this.blockLength = RsaOaep.ciphertextLength((RSAKey) key);
            this.chunkLength = blockLength - OAEP_OVERHEAD;
        }

        @Override
        public byte type() {
            return Frames.TYPE_RSA_OAEP;
        }

        @Override
        public byte[] seal(byte[] message) {
            throw new UnsupportedOperationException("opening side");
        }

        @Override
        public byte[] open(RawFrame frame) throws GeneralSecurityException {
            byte[] body = frame.body();
            if (frame.type() != Frames.TYPE_RSA_OAEP || body.length == 0 || body.length % blockLength != 0) {
                throw new GeneralSecurityException("not an RSA-OAEP frame: type " + frame.type() + ", "
                        + body.length + " bytes");
            }
            byte[] message = new byte[body.length / blockLength * chunkLength];
            int length = 0;
            for (int offset = 0; offset < body.length; offset += blockLength) {
                byte[] chunk = RsaOaep.decrypt(key, Arrays.copyOfRange(body, offset, offset + blockLength));
                System.arraycopy(chunk, 0, message, length, chunk.length);
                length += chunk.length;
            }
            return length == message.length ? message : Arrays.copyOf(message, length);
        }
    }
}
