package io.peerlink.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.crypto.WycheproofVectors.Result;
import java.security.GeneralSecurityException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** Wycheproof HKDF-SHA-256 vectors against {@link Hkdf#extractAndExpand}. */
class HkdfWycheproofTest {

    private static final String FILE = "hkdf_sha256_test.json";
    private static final int MAX_OUTPUT_LENGTH = 255 * 32;

    @TestFactory
    Stream<DynamicNode> derivesTheExpectedOutputKeyMaterial() {
        return WycheproofVectors.dynamicTests(FILE, file -> {
            assertThat(file.vectors()).noneMatch(v -> v.result() == Result.ACCEPTABLE);
            return file.test("valid vectors", v -> v.result() == Result.VALID, v ->
                    assertThat(Hkdf.extractAndExpand(v.hex("salt"), v.hex("ikm"), v.hex("info"), v.intField("size")))
                            .isEqualTo(v.hex("okm")));
        });
    }

    @TestFactory
    Stream<DynamicNode> refusesOutputLongerThan255HashLengths() {
        return WycheproofVectors.dynamicTests(FILE, file -> file.test("invalid vectors (size > 255 * 32)",
                v -> v.result() == Result.INVALID, v -> {
            assertThat(v.intField("size")).isGreaterThan(MAX_OUTPUT_LENGTH);
            // Hkdf reports the JCA's refusal as IllegalStateException: so large a size is a programming error
            int size = v.intField("size");
            assertThatThrownBy(() -> Hkdf.extractAndExpand(v.hex("salt"), v.hex("ikm"), v.hex("info"), size))
                    .isInstanceOf(IllegalStateException.class)
                    .hasCauseInstanceOf(GeneralSecurityException.class);
        }));
    }
}
