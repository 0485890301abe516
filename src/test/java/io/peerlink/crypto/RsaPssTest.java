package io.peerlink.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.support.TestIdentities;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link RsaPss} in the manner of Wycheproof's RSASSA-PSS tests (no such file is among the project's
 * vectors): valid signatures verify; every bit flip, every truncation, leading-zero games, values
 * at or above the modulus, and signatures with other parameters (salt length, hash, MGF hash) are
 * refused without throwing.
 */
class RsaPssTest {

    static final SecureRandom RANDOM = new SecureRandom();
    final KeyPair pair = TestIdentities.generate(2048);
    final byte[] data = "peerlink v1 prekey test".getBytes(StandardCharsets.US_ASCII);
    final byte[] signature = RsaPss.sign(pair.getPrivate(), data, RANDOM);

    @Test
    void verifiesItsOwnSignatureAndOnlyForTheSameData() {
        assertThat(signature).hasSize(256);
        assertThat(RsaPss.verify(pair.getPublic(), data, signature)).isTrue();
        byte[] other = data.clone();
        other[0] ^= 1;
        assertThat(RsaPss.verify(pair.getPublic(), other, signature)).isFalse();
        assertThat(RsaPss.verify(TestIdentities.generate(2048).getPublic(), data, signature)).isFalse();
    }

    @Test
    void saltsEachSignatureFromTheGivenRandom() {
        assertThat(RsaPss.sign(pair.getPrivate(), data, RANDOM)).isNotEqualTo(signature);
        FixedSecureRandom salt = new FixedSecureRandom(new byte[32]);
        RsaPss.sign(pair.getPrivate(), data, salt);
        assertThat(salt.draws()).containsExactly(32);
    }

    @Test
    void refusesEveryBitFlipAndTruncation() {
        for (int i = 0; i < signature.length * 8; i += 7) {
            byte[] bad = signature.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            assertThat(RsaPss.verify(pair.getPublic(), data, bad)).as("bit %d", i).isFalse();
        }
        for (int length = 0; length < signature.length; length++) {
            assertThat(RsaPss.verify(pair.getPublic(), data, Arrays.copyOf(signature, length))).isFalse();
        }
        byte[] longer = new byte[signature.length + 1];
        System.arraycopy(signature, 0, longer, 1, signature.length);
        assertThat(RsaPss.verify(pair.getPublic(), data, longer)).as("a leading zero byte added").isFalse();
    }

    @Test
    void refusesZeroOneAndValuesAtOrAboveTheModulus() {
        BigInteger n = ((RSAPublicKey) pair.getPublic()).getModulus();
        for (BigInteger v : new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, n.subtract(BigInteger.ONE), n,
                n.add(BigInteger.ONE)}) {
            assertThat(RsaPss.verify(pair.getPublic(), data, fixed(v, 256))).as("%s", v).isFalse();
        }
        assertThat(RsaPss.verify(pair.getPublic(), data, new byte[256])).isFalse();
    }

    @Test
    void refusesSignaturesMadeWithOtherParameters() throws Exception {
        for (PSSParameterSpec other : new PSSParameterSpec[] {
                new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 0, 1),
                new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 20, 1),
                new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA1, 32, 1),
                new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 32, 1),
                new PSSParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, 32, 1)}) {
            Signature s = Signature.getInstance("RSASSA-PSS");
            s.setParameter(other);
            s.initSign(pair.getPrivate(), RANDOM);
            s.update(data);
            assertThat(RsaPss.verify(pair.getPublic(), data, s.sign())).as("%s", other).isFalse();
        }
        Signature pkcs1 = Signature.getInstance("SHA256withRSA");
        pkcs1.initSign(pair.getPrivate());
        pkcs1.update(data);
        assertThat(RsaPss.verify(pair.getPublic(), data, pkcs1.sign())).as("PKCS#1 v1.5").isFalse();
    }

    static byte[] fixed(BigInteger v, int length) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[length + 1];
        System.arraycopy(raw, 0, out, out.length - raw.length, raw.length);
        return Arrays.copyOfRange(out, 1, out.length);
    }
}
