package io.peerlink.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.crypto.WycheproofVectors.Result;
import io.peerlink.crypto.WycheproofVectors.Vector;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Wycheproof ML-KEM-768 vectors against {@link MlKem768}.
 *
 * <p>The JDK has no API that takes FIPS 203 seeds, so the seeds go in through a
 * {@link FixedSecureRandom}: the key pair generator draws {@code d} then {@code z} (32 bytes each,
 * in two draws), so a vector's 64-byte {@code seed = d || z} is handed out as is; encapsulation
 * draws the 32-byte message {@code m} once.
 */
class MlKem768WycheproofTest {

    private static final String DECAPS_FILE = "mlkem_768_test.json";
    private static final String ENCAPS_FILE = "mlkem_768_encaps_test.json";
    private static final int SEED_LENGTH = 64;
    private static final int M_LENGTH = 32;

    @Test
    void drawsSeedDThenZWhenGeneratingKeys() {
        Vector v = WycheproofVectors.load(DECAPS_FILE)
                .select(t -> t.result() == Result.VALID && t.has("ek") && t.hexLength("seed") == SEED_LENGTH)
                .getFirst();
        byte[] seed = v.hex("seed");
        byte[] d = Arrays.copyOfRange(seed, 0, 32);
        byte[] z = Arrays.copyOfRange(seed, 32, 64);

        FixedSecureRandom dThenZ = new FixedSecureRandom(d, z);
        KeyPair pair = MlKem768.generate(dThenZ);
        assertThat(dThenZ.draws()).containsExactly(32, 32);
        assertThat(MlKem768.raw(pair.getPublic())).isEqualTo(v.hex("ek"));

        // the other order gives another key: the order above is the JDK's, not a coincidence
        KeyPair swapped = MlKem768.generate(new FixedSecureRandom(z, d));
        assertThat(MlKem768.raw(swapped.getPublic())).isNotEqualTo(v.hex("ek"));
    }

    @TestFactory
    Stream<DynamicNode> generatesKeysFromSeedsAndDecapsulatesKnownAnswers() {
        return WycheproofVectors.dynamicTests(DECAPS_FILE, file -> {
            assertThat(file.vectors()).noneMatch(v -> v.result() == Result.ACCEPTABLE);
            // includes ciphertexts that take the implicit-rejection path (random, bit-flipped, Strcmp)
            return file.test("valid vectors (keygen from seed, decapsulation)",
                    v -> v.result() == Result.VALID && v.hexLength("seed") == SEED_LENGTH, v -> {
                KeyPair pair = generateFromSeed(v);
                assertThat(MlKem768.decapsulate(pair.getPrivate(), v.hex("c"))).isEqualTo(v.hex("K"));
            });
        });
    }

    @TestFactory
    Stream<DynamicNode> refusesCiphertextsOfWrongLength() {
        return WycheproofVectors.dynamicTests(DECAPS_FILE, file -> file.test(
                "invalid vectors (ciphertext too short or too long)",
                v -> v.result() == Result.INVALID && v.hexLength("seed") == SEED_LENGTH, v -> {
            assertThat(v.hexLength("c")).isNotEqualTo(MlKem768.CIPHERTEXT_LENGTH);
            KeyPair pair = generateFromSeed(v);
            assertThatThrownBy(() -> MlKem768.decapsulate(pair.getPrivate(), v.hex("c")))
                    .isInstanceOf(GeneralSecurityException.class);
        }));
    }

    @TestFactory
    Stream<DynamicNode> skipsSeedsOfWrongLength() {
        return WycheproofVectors.dynamicTests(DECAPS_FILE, file -> file.skip(
                "peerlink never imports ML-KEM private keys: it only generates them from its own SecureRandom,"
                        + " so a seed (private key) of the wrong length cannot reach it",
                v -> v.hexLength("seed") != SEED_LENGTH));
    }

    @TestFactory
    Stream<DynamicNode> encapsulatesKnownAnswers() {
        return WycheproofVectors.dynamicTests(ENCAPS_FILE, file -> {
            assertThat(file.vectors()).noneMatch(v -> v.result() == Result.ACCEPTABLE);
            return file.test("valid vectors", v -> v.result() == Result.VALID, v -> {
                FixedSecureRandom m = new FixedSecureRandom(v.hex("m"));
                MlKem768.Encapsulation encapsulation = MlKem768.encapsulate(v.hex("ek"), m);
                assertThat(m.draws()).containsExactly(M_LENGTH);
                assertThat(encapsulation.ciphertext()).isEqualTo(v.hex("c"));
                assertThat(encapsulation.sharedSecret()).isEqualTo(v.hex("K"));
                assertThat(MlKem768.raw(MlKem768.publicKey(v.hex("ek")))).isEqualTo(v.hex("ek"));
            });
        });
    }

    @TestFactory
    Stream<DynamicNode> refusesEncapsulationKeysOfWrongLength() {
        return WycheproofVectors.dynamicTests(ENCAPS_FILE, file -> file.test(
                "invalid vectors (key too short or too long)",
                v -> v.result() == Result.INVALID && v.hexLength("ek") != MlKem768.ENCAPSULATION_KEY_LENGTH, v -> {
            assertThatThrownBy(() -> MlKem768.publicKey(v.hex("ek"))).isInstanceOf(GeneralSecurityException.class);
            assertThatEncapsulationIsRefused(v);
        }));
    }

    @TestFactory
    Stream<DynamicNode> refusesEncapsulationKeysWithUnreducedCoefficients() {
        // The JDK's KeyFactory accepts these keys; the FIPS 203 section 7.2 modulus check runs when
        // the encapsulator is created, before any randomness is drawn.
        return WycheproofVectors.dynamicTests(ENCAPS_FILE, file -> file.test(
                "invalid vectors (ModulusOverflow, public key not reduced)",
                v -> v.result() == Result.INVALID && v.hexLength("ek") == MlKem768.ENCAPSULATION_KEY_LENGTH,
                MlKem768WycheproofTest::assertThatEncapsulationIsRefused));
    }

    private static void assertThatEncapsulationIsRefused(Vector v) {
        FixedSecureRandom m = new FixedSecureRandom(v.hex("m"));
        assertThatThrownBy(() -> MlKem768.encapsulate(v.hex("ek"), m)).isInstanceOf(GeneralSecurityException.class);
        assertThat(m.draws()).isEmpty();
        assertThat(List.of(v.hexLength("c"), v.hexLength("K"))).containsOnly(0);
    }

    /** Key generation from the vector's seed {@code d || z}; checks the encapsulation key when given. */
    private static KeyPair generateFromSeed(Vector v) {
        FixedSecureRandom seed = new FixedSecureRandom(v.hex("seed"));
        KeyPair pair = MlKem768.generate(seed);
        assertThat(seed.remaining()).isZero();
        if (v.has("ek")) {
            assertThat(MlKem768.raw(pair.getPublic())).isEqualTo(v.hex("ek"));
        }
        return pair;
    }
}
