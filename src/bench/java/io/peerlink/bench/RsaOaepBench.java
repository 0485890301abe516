package io.peerlink.bench;

import io.peerlink.crypto.CryptoProviders;
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

/**
 * RSA-OAEP-SHA256 through {@link RsaOaep} on a 32-byte secret, the size a handshake encrypts, from the
 * provider {@code provider} names ({@code jdk} or {@code accp}). The key pair is the JDK's, as
 * peerlink's identity is.
 */
@State(Scope.Thread)
public class RsaOaepBench {

    @Param({"2048", "3072"})
    public int bits;

    @Param({"jdk", "accp"})
    public String provider;

    private final SecureRandom random = new SecureRandom();
    private KeyPair keys;
    private byte[] secret;
    private byte[] ciphertext;

    @Setup
    public void setUp() throws GeneralSecurityException {
        CryptoProviders.configure(CryptoProviders.Setting.parse(provider));
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
