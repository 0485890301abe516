package io.peerlink.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.crypto.WycheproofVectors.Result;
import io.peerlink.crypto.WycheproofVectors.Vector;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Wycheproof RSA-OAEP (SHA-256, MGF1-SHA-256) decryption vectors against {@link RsaOaep}, once with
 * each provider {@link CryptoProviders} can choose (the JDK's and ACCP).
 *
 * <p>peerlink always uses the empty label, so vectors with an empty label go through
 * {@link RsaOaep}; labelled vectors go through the same JCA cipher with the label given explicitly
 * (the JDK's; ACCP refuses labels).
 */
class RsaOaepWycheproofTest {

    private static final List<String> FILES = List.of(
            "rsa_oaep_2048_sha256_mgf1sha256_test.json",
            "rsa_oaep_3072_sha256_mgf1sha256_test.json");
    private static final int SECRET_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private static boolean emptyLabel(Vector v) {
        return v.hexLength("label") == 0;
    }

    @TestFactory
    Stream<DynamicNode> decryptsValidEmptyLabelCiphertexts() {
        return eachFile("valid vectors with an empty label",
                v -> v.result() == Result.VALID && emptyLabel(v), (provider, v) -> {
            RSAPrivateCrtKey key = privateKey(v);
            assertThat(RsaOaep.decrypt(key, v.hex("ct"), provider)).isEqualTo(v.hex("msg"));
            assertThat(RsaOaep.decryptOrRandom(key, v.hex("ct"), v.hexLength("msg"), RANDOM, provider))
                    .isEqualTo(v.hex("msg"));
        });
    }

    @TestFactory
    Stream<DynamicNode> refusesInvalidCiphertexts() {
        return eachFile("invalid vectors with an empty label",
                v -> v.result() == Result.INVALID && emptyLabel(v), (provider, v) ->
                assertThatThrownBy(() -> RsaOaep.decrypt(privateKey(v), v.hex("ct"), provider))
                        .isInstanceOf(GeneralSecurityException.class));
    }

    @TestFactory
    Stream<DynamicNode> substitutesAFreshRandomSecretForInvalidCiphertexts() {
        return eachFile("invalid vectors with an empty label",
                v -> v.result() == Result.INVALID && emptyLabel(v), (provider, v) -> {
            RSAPrivateCrtKey key = privateKey(v);
            byte[] first = RsaOaep.decryptOrRandom(key, v.hex("ct"), SECRET_LENGTH, RANDOM, provider);
            byte[] second = RsaOaep.decryptOrRandom(key, v.hex("ct"), SECRET_LENGTH, RANDOM, provider);
            assertThat(first).hasSize(SECRET_LENGTH).isNotEqualTo(second);
            assertThat(second).hasSize(SECRET_LENGTH);
        });
    }

    @TestFactory
    Stream<DynamicNode> decryptsLabelledCiphertextsOnlyWithTheirLabel() {
        return eachFile("vectors with a non-empty label",
                v -> !emptyLabel(v), (provider, v) -> {
            RSAPrivateCrtKey key = privateKey(v);
            Cipher cipher = CryptoProviders.cipher(RsaOaep.TRANSFORMATION, provider);
            OAEPParameterSpec labelled = new OAEPParameterSpec(
                    "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, new PSource.PSpecified(v.hex("label")));
            if (provider != null) {
                // ACCP knows only the empty label (the one peerlink uses) and refuses any other up front
                assertThatThrownBy(() -> cipher.init(Cipher.DECRYPT_MODE, key, labelled))
                        .isInstanceOf(InvalidAlgorithmParameterException.class);
            } else if (v.result() == Result.VALID) {
                cipher.init(Cipher.DECRYPT_MODE, key, labelled);
                assertThat(cipher.doFinal(v.hex("ct"))).isEqualTo(v.hex("msg"));
            } else {
                cipher.init(Cipher.DECRYPT_MODE, key, labelled);
                assertThatThrownBy(() -> cipher.doFinal(v.hex("ct"))).isInstanceOf(GeneralSecurityException.class);
            }
            // peerlink's empty label never opens a labelled ciphertext
            assertThatThrownBy(() -> RsaOaep.decrypt(key, v.hex("ct"), provider))
                    .isInstanceOf(GeneralSecurityException.class);
        });
    }

    /** A check of one vector with one provider (null: the JDK's). */
    private interface Check {
        void accept(Provider provider, Vector v) throws Throwable;
    }

    /** The same dynamic tests for each provider and key size. */
    private static Stream<DynamicNode> eachFile(String what, Predicate<Vector> filter, Check check) {
        return TestProviders.each(provider -> FILES.stream().flatMap(name -> WycheproofVectors.dynamicTests(name,
                file -> file.test(what, filter, v -> check.accept(provider, v)))));
    }

    /** The group's key from its PKCS#8 encoding, checked against the group's parameters. */
    private static RSAPrivateCrtKey privateKey(Vector v) throws GeneralSecurityException {
        assertThat(v.groupString("sha")).isEqualTo("SHA-256");
        assertThat(v.groupString("mgf")).isEqualTo("MGF1");
        assertThat(v.groupString("mgfSha")).isEqualTo("SHA-256");
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(v.groupHex("privateKeyPkcs8")));
        assertThat(key.getModulus())
                .isEqualTo(new BigInteger(v.group().required("privateKey").required("modulus").stringValue(), 16));
        assertThat(key.getModulus().bitLength()).isEqualTo(v.groupInt("keySize"));
        return key;
    }
}
