package io.peerlink.bench;

import io.peerlink.crypto.AesGcm;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Random;

/**
 * Gets AES-GCM through the JIT before anything is timed. Left alone, large messages run at about
 * 50 MB/s for ~12 s (STACK.md): the JDK hands inputs of several KiB to an intrinsic only from
 * C2-compiled callers, and one call per large message reaches the compile threshold slowly. Many
 * small calls reach it fast; every fourth call here is large so the compiled code also covers the
 * large-input path.
 */
final class GcmWarmup {

    private static final int[] SIZES = {256, 256, 256, 16 * 1024};

    private GcmWarmup() {
    }

    static void run(Duration duration) {
        byte[] key = new byte[AesGcm.KEY_LENGTH];
        new Random(1).nextBytes(key);
        AesGcm sealer = new AesGcm(key);
        AesGcm opener = new AesGcm(key);
        byte[][] plaintexts = new byte[SIZES.length][];
        for (int i = 0; i < SIZES.length; i++) {
            plaintexts[i] = new byte[SIZES[i]];
        }
        byte[] aad = Frames.header(0x17, 0);
        long end = System.nanoTime() + duration.toNanos();
        try {
            for (long counter = 0; System.nanoTime() < end; counter++) {
                byte[] plaintext = plaintexts[(int) (counter % SIZES.length)];
                opener.open(counter, aad, sealer.seal(counter, aad, plaintext));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
