package io.peerlink.bench;

import io.peerlink.crypto.Hkdf;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * HKDF-SHA256 through {@link Hkdf} in the shapes the key schedule uses: extract-and-expand of a
 * 32-byte secret to 64 bytes (a mixKey step), and expand-only to 32 bytes (a key update).
 */
@State(Scope.Thread)
public class HkdfBench {

    private final byte[] info = "peerlink v1 key update".getBytes(StandardCharsets.US_ASCII);
    private byte[] salt;
    private byte[] ikm;

    @Setup
    public void setUp() {
        Random random = new Random(3);
        salt = new byte[32];
        ikm = new byte[32];
        random.nextBytes(salt);
        random.nextBytes(ikm);
    }

    @Benchmark
    public byte[] extractAndExpand64() {
        return Hkdf.extractAndExpand(salt, ikm, new byte[0], 64);
    }

    @Benchmark
    public byte[] expand32() {
        return Hkdf.expand(salt, info, 32);
    }
}
