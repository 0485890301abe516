package io.peerlink.handshake;

import io.peerlink.crypto.SymmetricState;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.SecureRandomParameters;
import java.security.SecureRandomSpi;
import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic "random" stream of the test vectors in docs/PROTOCOL.md: the concatenation of
 * {@code SHA-256(label || uint32_be(i))} for i = 0, 1, 2, ... Every draw is recorded so that the test
 * can name what each draw was for; any other way of drawing randomness throws. Tests only.
 */
public final class StreamRandom extends SecureRandom {

    private final byte[] label;
    private final List<byte[]> draws = new ArrayList<>();
    private byte[] block = new byte[0];
    private int blockPosition;
    private int counter;

    public StreamRandom(String label) {
        super(new RefusingSpi(), null);
        this.label = label.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public synchronized void nextBytes(byte[] out) {
        for (int i = 0; i < out.length; i++) {
            if (blockPosition == block.length) {
                block = SymmetricState.sha256(label, new byte[] {(byte) (counter >>> 24), (byte) (counter >>> 16),
                        (byte) (counter >>> 8), (byte) counter});
                counter++;
                blockPosition = 0;
            }
            out[i] = block[blockPosition++];
        }
        draws.add(out.clone());
    }

    @Override
    public void nextBytes(byte[] out, SecureRandomParameters params) {
        throw new UnsupportedOperationException("stream random: only nextBytes(byte[])");
    }

    @Override
    public byte[] generateSeed(int numBytes) {
        throw new UnsupportedOperationException("stream random: only nextBytes(byte[])");
    }

    @Override
    public void setSeed(byte[] seed) {
        throw new UnsupportedOperationException("stream random: cannot be reseeded");
    }

    @Override
    public void setSeed(long seed) {
        // SecureRandom's constructor path may call this with 0; ignore, the stream is fixed.
    }

    public synchronized List<byte[]> draws() {
        return List.copyOf(draws);
    }

    private static final class RefusingSpi extends SecureRandomSpi {
        @Override
        protected void engineSetSeed(byte[] seed) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            throw new UnsupportedOperationException();
        }
    }
}
