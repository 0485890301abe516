package io.peerlink.bench;

import io.peerlink.crypto.X25519;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** X25519 through {@link X25519}: key generation, and agreement with a raw 32-byte peer key. */
@State(Scope.Thread)
public class X25519Bench {

    private final SecureRandom random = new SecureRandom();
    private KeyPair own;
    private byte[] peer;

    @Setup
    public void setUp() {
        own = X25519.generate(random);
        peer = X25519.raw(X25519.generate(random).getPublic());
    }

    @Benchmark
    public KeyPair keygen() {
        return X25519.generate(random);
    }

    @Benchmark
    public byte[] agree() throws GeneralSecurityException {
        return X25519.agree(own.getPrivate(), peer);
    }
}
