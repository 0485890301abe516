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
 * AES-256-GCM through peerlink's {@link AesGcm} as the record layer uses it: one seal and one open
 * of the same message per operation (a record's round trip), in place in one record buffer
 * ({@code header | plaintext | tag}, as RecordWriter and RecordReader keep per direction), with the
 * 5 header bytes as associated data and a fresh counter each time, from the provider {@code provider} names ({@link CryptoProviders.Setting}: {@code jdk}
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
    private byte[] record;
    private long counter;

    private static final int HEADER = 5;

    @Setup
    public void setUp() {
        CryptoProviders.configure(CryptoProviders.Setting.parse(provider));
        Random random = new Random(size);
        byte[] key = new byte[AesGcm.KEY_LENGTH];
        random.nextBytes(key);
        sealer = new AesGcm(key);
        opener = new AesGcm(key);
        record = new byte[HEADER + size + AesGcm.TAG_LENGTH];
        random.nextBytes(record);
        System.arraycopy(Frames.header(0x17, size + AesGcm.TAG_LENGTH), 0, record, 0, HEADER);
        GcmWarmup.run(Duration.ofMillis(Long.getLong("bench.gcmWarmupMillis", 2_000)));
    }

    /** Seal turns the plaintext into ciphertext and tag in place, open turns it back: no copies. */
    @Benchmark
    public int sealOpen() throws GeneralSecurityException {
        long c = counter++;
        int sealed = sealer.sealInPlace(c, record, 0, HEADER, HEADER, size);
        return opener.openInPlace(c, record, 0, HEADER, HEADER, sealed);
    }
}
