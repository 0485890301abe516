package io.peerlink.bench;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import io.peerlink.crypto.CryptoProviders;
import io.peerlink.crypto.RsaOaep;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import javax.crypto.Cipher;
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
    private Cipher accpEncryption;

    @Setup
    public void setUp() throws GeneralSecurityException {
        CryptoProviders.configure(CryptoProviders.Setting.parse(provider));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        keys = generator.generateKeyPair();
        secret = new byte[32];
        random.nextBytes(secret);
        ciphertext = RsaOaep.encrypt(keys.getPublic(), secret, random);
        if (provider.equals("accp")) {
            accpEncryption = Cipher.getInstance(RsaOaep.TRANSFORMATION, AmazonCorrettoCryptoProvider.INSTANCE);
        }
    }

    /**
     * peerlink encrypts with the JDK's cipher whatever the provider setting (ACCP ignores the caller's
     * SecureRandom, see {@link RsaOaep#encrypt}); with {@code accp} this measures ACCP's own cipher
     * with the same parameters, for the comparison.
     */
    @Benchmark
    public byte[] encrypt() throws GeneralSecurityException {
        if (accpEncryption == null) {
            return RsaOaep.encrypt(keys.getPublic(), secret, random);
        }
        accpEncryption.init(Cipher.ENCRYPT_MODE, keys.getPublic(), RsaOaep.PARAMETERS, random);
        return accpEncryption.doFinal(secret);
    }

    @Benchmark
    public byte[] decrypt() throws GeneralSecurityException {
        return RsaOaep.decrypt(keys.getPrivate(), ciphertext);
    }
}
