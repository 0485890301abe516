package io.peerlink.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.peerlink.crypto.WycheproofVectors.Vector;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Wycheproof AES-GCM vectors against {@link AesGcm}, once with each provider {@link CryptoProviders}
 * can choose (the JDK's and ACCP).
 *
 * <p>{@link AesGcm} is AES-256 with a 96-bit nonce built from a counter (4 zero bytes, then the
 * counter big-endian) and a 128-bit tag. Vectors of that shape whose IV has the 4 zero bytes go
 * through {@code seal}/{@code open}; the other AES-256, 96-bit-IV vectors cannot be expressed as a
 * counter and go through the same JCA transformation directly. Other key, IV or tag sizes are
 * reported as skipped.
 */
class AesGcmWycheproofTest {

    private static final String FILE = "aes_gcm_test.json";
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private enum Route { AES_GCM, JCA, SKIP }

    private static Route route(Vector v) {
        if (v.groupInt("keySize") != AesGcm.KEY_LENGTH * 8
                || v.groupInt("ivSize") != AesGcm.NONCE_LENGTH * 8
                || v.groupInt("tagSize") != AesGcm.TAG_LENGTH * 8) {
            return Route.SKIP;
        }
        byte[] iv = v.hex("iv");
        return iv[0] == 0 && iv[1] == 0 && iv[2] == 0 && iv[3] == 0 ? Route.AES_GCM : Route.JCA;
    }

    @TestFactory
    Stream<DynamicNode> sealsAndOpensCounterNonceVectorsThroughAesGcm() {
        return TestProviders.each(provider -> WycheproofVectors.dynamicTests(FILE, file -> file.test(
                "vectors with a counter nonce through AesGcm", v -> route(v) == Route.AES_GCM, v -> {
            byte[] key = v.hex("key");
            byte[] aad = v.hex("aad");
            byte[] msg = v.hex("msg");
            byte[] sealed = concat(v.hex("ct"), v.hex("tag"));
            long counter = ByteBuffer.wrap(v.hex("iv"), 4, 8).getLong();
            assertThat(AesGcm.nonce(counter)).isEqualTo(v.hex("iv"));

            switch (v.result()) {
                case VALID -> {
                    assertThat(new AesGcm(key, provider).seal(counter, aad, msg)).isEqualTo(sealed);
                    assertThat(new AesGcm(key, provider).open(counter, aad, sealed)).isEqualTo(msg);
                    // the nonce really is the counter: the next one does not open it
                    assertThatThrownBy(() -> new AesGcm(key, provider).open(counter + 1, aad, sealed))
                            .isInstanceOf(GeneralSecurityException.class);
                }
                case INVALID -> assertThatThrownBy(() -> new AesGcm(key, provider).open(counter, aad, sealed))
                        .isInstanceOf(GeneralSecurityException.class);
                case ACCEPTABLE -> fail("no acceptable AES-GCM vectors expected");
            }
        })));
    }

    @TestFactory
    Stream<DynamicNode> matchesOtherNinetySixBitIvVectorsThroughTheSameJcaTransformation() {
        return TestProviders.each(provider -> WycheproofVectors.dynamicTests(FILE, file -> file.test(
                "vectors with a non-counter 96-bit IV through " + TRANSFORMATION, v -> route(v) == Route.JCA, v -> {
            SecretKeySpec key = new SecretKeySpec(v.hex("key"), "AES");
            GCMParameterSpec iv = new GCMParameterSpec(AesGcm.TAG_LENGTH * 8, v.hex("iv"));
            byte[] sealed = concat(v.hex("ct"), v.hex("tag"));
            Cipher cipher = CryptoProviders.cipher(TRANSFORMATION, provider);

            switch (v.result()) {
                case VALID -> {
                    cipher.init(Cipher.ENCRYPT_MODE, key, iv);
                    cipher.updateAAD(v.hex("aad"));
                    assertThat(cipher.doFinal(v.hex("msg"))).isEqualTo(sealed);
                    cipher.init(Cipher.DECRYPT_MODE, key, iv);
                    cipher.updateAAD(v.hex("aad"));
                    assertThat(cipher.doFinal(sealed)).isEqualTo(v.hex("msg"));
                }
                case INVALID -> {
                    cipher.init(Cipher.DECRYPT_MODE, key, iv);
                    cipher.updateAAD(v.hex("aad"));
                    assertThatThrownBy(() -> cipher.doFinal(sealed)).isInstanceOf(AEADBadTagException.class);
                }
                case ACCEPTABLE -> fail("no acceptable AES-GCM vectors expected");
            }
        })));
    }

    @TestFactory
    Stream<DynamicNode> skipsKeyIvAndTagSizesPeerlinkDoesNotUse() {
        return WycheproofVectors.dynamicTests(FILE, file -> file.skip(
                "peerlink uses only AES-256 with a 96-bit nonce and a 128-bit tag", v -> route(v) == Route.SKIP));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
