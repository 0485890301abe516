package io.peerlink.bench;

import io.peerlink.crypto.MlKem768;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** ML-KEM-768 through {@link MlKem768}: key generation, encapsulation to a raw key, decapsulation. */
@State(Scope.Thread)
public class MlKem768Bench {

    private final SecureRandom random = new SecureRandom();
    private KeyPair keys;
    private byte[] encapsulationKey;
    private byte[] ciphertext;

    @Setup
    public void setUp() throws GeneralSecurityException {
        keys = MlKem768.generate(random);
        encapsulationKey = MlKem768.raw(keys.getPublic());
        ciphertext = MlKem768.encapsulate(encapsulationKey, random).ciphertext();
    }

    @Benchmark
    public KeyPair keygen() {
        return MlKem768.generate(random);
    }

    @Benchmark
    public MlKem768.Encapsulation encapsulate() throws GeneralSecurityException {
        return MlKem768.encapsulate(encapsulationKey, random);
    }

    @Benchmark
    public byte[] decapsulate() throws GeneralSecurityException {
        return MlKem768.decapsulate(keys.getPrivate(), ciphertext);
    }
}
