package io.peerlink.bench;

import io.peerlink.crypto.AesGcm;
import io.peerlink.crypto.CryptoProviders;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * AES-256-GCM through peerlink's {@link AesGcm}: one seal and one open of the same message per
 * operation (a record's round trip), with the 5 header bytes as associated data and a fresh counter
 * each time, from the provider {@code provider} names ({@link CryptoProviders.Setting}: {@code jdk}
 * or {@code accp}; JMH runs each in its own fork). Options (iterations, forks) are set by {@link JmhSuite}.
 */
@State(Scope.Thread)
public class AesGcmBench {

    @Param({"64", "256", "4096", "65536"})
    public int size;

    @Param({"jdk", "accp"})
    public String provider;

    private AesGcm sealer;
    private AesGcm opener;
    private byte[] plaintext;
    private byte[] aad;
    private long counter;

    @Setup
    public void setUp() {
        CryptoProviders.configure(CryptoProviders.Setting.parse(provider));
        Random random = new Random(size);
        byte[] key = new byte[AesGcm.KEY_LENGTH];
        random.nextBytes(key);
        sealer = new AesGcm(key);
        opener = new AesGcm(key);
        plaintext = new byte[size];
        random.nextBytes(plaintext);
        aad = Frames.header(0x17, size + AesGcm.TAG_LENGTH);
        GcmWarmup.run(Duration.ofMillis(Long.getLong("bench.gcmWarmupMillis", 2_000)));
    }

    @Benchmark
    public byte[] sealOpen() throws GeneralSecurityException {
        long c = counter++;
        return opener.open(c, aad, sealer.seal(c, aad, plaintext));
    }
}
