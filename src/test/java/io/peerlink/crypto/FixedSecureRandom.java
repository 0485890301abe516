package io.peerlink.crypto;

import java.security.SecureRandom;
import java.security.SecureRandomParameters;
import java.security.SecureRandomSpi;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link SecureRandom} that hands out fixed bytes in order and fails once they run out. It lets
 * known-answer tests feed FIPS 203 seeds (d, z, m) to JDK APIs that take only a SecureRandom. Every
 * other way of drawing randomness throws, so an unexpected draw cannot go unnoticed. Tests only.
 */
public final class FixedSecureRandom extends SecureRandom {

    private final byte[] bytes;
    private final List<Integer> draws = new ArrayList<>();
    private int position;

    /** Hands out {@code parts} one after another, as if concatenated. */
    public FixedSecureRandom(byte[]... parts) {
        super(new RefusingSpi(), null);
        int total = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        bytes = new byte[total];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, bytes, offset, part.length);
            offset += part.length;
        }
    }

    @Override
    public synchronized void nextBytes(byte[] out) {
        if (out.length > remaining()) {
            throw new IllegalStateException("fixed random exhausted: " + out.length + " bytes asked, "
                    + remaining() + " left");
        }
        System.arraycopy(bytes, position, out, 0, out.length);
        position += out.length;
        draws.add(out.length);
    }

    @Override
    public void nextBytes(byte[] out, SecureRandomParameters params) {
        throw new UnsupportedOperationException("fixed random: only nextBytes(byte[])");
    }

    @Override
    public byte[] generateSeed(int numBytes) {
        throw new UnsupportedOperationException("fixed random: only nextBytes(byte[])");
    }

    @Override
    public void setSeed(byte[] seed) {
        throw new UnsupportedOperationException("fixed random: cannot be reseeded");
    }

    /** The bytes not yet handed out. */
    synchronized int remaining() {
        return bytes.length - position;
    }

    /** The size of each draw so far, in order. */
    synchronized List<Integer> draws() {
        return List.copyOf(draws);
    }

    @Override
    public String toString() {
        return "FixedSecureRandom[" + position + "/" + bytes.length + " bytes drawn]";
    }

    /** Behind every SecureRandom method not overridden above: refuses. */
    private static final class RefusingSpi extends SecureRandomSpi {

        @Override
        protected void engineSetSeed(byte[] seed) {
            throw new UnsupportedOperationException("fixed random: cannot be reseeded");
        }

        @Override
        protected void engineNextBytes(byte[] out) {
            throw new UnsupportedOperationException("fixed random: only nextBytes(byte[])");
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            throw new UnsupportedOperationException("fixed random: only nextBytes(byte[])");
        }
    }
}
