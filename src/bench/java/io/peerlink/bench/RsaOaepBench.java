package io.peerlink.bench;

import io.peerlink.crypto.RsaOaep;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** RSA-OAEP-SHA256 through {@link RsaOaep} on a 32-byte secret, the size a handshake encrypts. */
@State(Scope.Thread)
public class RsaOaepBench {

    @Param({"2048", "3072"})
    public int bits;

    private final SecureRandom random = new SecureRandom();
    private KeyPair keys;
    private byte[] secret;
    private byte[] ciphertext;

    @Setup
    public void setUp() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        keys = generator.generateKeyPair();
        secret = new byte[32];
        random.nextBytes(secret);
        ciphertext = RsaOaep.encrypt(keys.getPublic(), secret, random);
    }

    @Benchmark
    public byte[] encrypt() {
        return RsaOaep.encrypt(keys.getPublic(), secret, random);
    }

    @Benchmark
    public byte[] decrypt() throws GeneralSecurityException {
        return RsaOaep.decrypt(keys.getPrivate(), ciphertext);
    }
}
