package io.peerlink.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.crypto.WycheproofVectors.Result;
import io.peerlink.crypto.WycheproofVectors.Vector;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Wycheproof X25519 vectors against {@link X25519#agree}.
 *
 * <p>The file has no invalid vectors; its {@code acceptable} ones fall in two kinds. Low-order public
 * keys (flags {@code LowOrderPublic}, {@code ZeroSharedSecret}: the shared secret would be all zero)
 * are refused, as the protocol requires. All other acceptable ones (points on the twist, non-canonical
 * u-coordinates of 2^255 - 19 or more, edge-case shared values) are accepted and agree with the
 * vector: the JDK reduces a non-canonical u modulo p, as RFC 7748 section 5 asks.
 */
class X25519WycheproofTest {

    private static final String FILE = "x25519_test.json";
    private static final byte[] ALL_ZERO = new byte[X25519.KEY_LENGTH];

    private static boolean lowOrder(Vector v) {
        return v.hasFlag("LowOrderPublic") || v.hasFlag("ZeroSharedSecret");
    }

    @TestFactory
    Stream<DynamicNode> agreesOnValidVectors() {
        return WycheproofVectors.dynamicTests(FILE, file -> {
            assertThat(file.vectors()).noneMatch(v -> v.result() == Result.INVALID);
            return file.test("valid vectors", v -> v.result() == Result.VALID, v -> {
                assertThat(lowOrder(v)).as("a valid vector with a low-order key").isFalse();
                assertThat(X25519.agree(privateKey(v), v.hex("public"))).isEqualTo(v.hex("shared"));
            });
        });
    }

    @TestFactory
    Stream<DynamicNode> refusesLowOrderPublicKeys() {
        return WycheproofVectors.dynamicTests(FILE, file -> file.test("low-order public keys (all-zero shared secret)",
                X25519WycheproofTest::lowOrder, v -> {
            assertThat(v.hex("shared")).isEqualTo(ALL_ZERO);
            assertThatThrownBy(() -> X25519.agree(privateKey(v), v.hex("public")))
                    .isInstanceOf(GeneralSecurityException.class);
        }));
    }

    @TestFactory
    Stream<DynamicNode> agreesOnAcceptableTwistAndNonCanonicalPublicKeys() {
        return WycheproofVectors.dynamicTests(FILE, file -> file.test("other acceptable vectors",
                v -> v.result() == Result.ACCEPTABLE && !lowOrder(v), v -> {
            assertThat(v.hex("shared")).isNotEqualTo(ALL_ZERO);
            assertThat(X25519.agree(privateKey(v), v.hex("public"))).isEqualTo(v.hex("shared"));
        }));
    }

    /** The private key from its 32 raw bytes (the JDK clamps the scalar itself). */
    private static PrivateKey privateKey(Vector v) throws GeneralSecurityException {
        return KeyFactory.getInstance("X25519")
                .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, v.hex("private")));
    }
}
