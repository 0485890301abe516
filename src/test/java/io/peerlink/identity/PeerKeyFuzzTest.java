package io.peerlink.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target for the SPKI identity parser, {@link PeerKey#fromSpki}: the peer's RSA public key as
 * it arrives in SERVER_HELLO and (decrypted) in CLIENT_HELLO. Any input is a key or a
 * {@link GeneralSecurityException}; an accepted key names exactly the bytes it came from.
 */
// an input that takes 10 s is a hang: a finding while fuzzing (Jazzer passes it on as -timeout), a
// failure when replayed (in a thread of its own, so that a runaway input cannot stall the build)
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PeerKeyFuzzTest {

    @FuzzTest
    void fromSpki(byte[] spki) throws GeneralSecurityException {
        PeerKey key;
        try {
            key = PeerKey.fromSpki(spki);
        } catch (GeneralSecurityException e) {
            return;
        }
        // canonical: the key re-encodes to the input, byte for byte, and is named by its hash
        assertThat(key.spki()).isEqualTo(spki);
        assertThat(key.key().getEncoded()).isEqualTo(spki);
        assertThat(key.peerId()).isEqualTo(HexFormat.of().formatHex(Identity.sha256(spki)));
        assertThat(key.fingerprint()).matches("([0-9a-f]{4} ){15}[0-9a-f]{4}");
        assertThat(key.bits()).isPositive();
        assertThat(key.key().getPublicExponent().signum()).isPositive();
        // round trips: from the key object, from the SPKI again, and through PEM
        assertThat(PeerKey.of(key.key())).isEqualTo(key);
        assertThat(PeerKey.fromSpki(key.spki())).isEqualTo(key);
        assertThat(PeerKey.of(IdentityStore.parsePublicPem(key.pem()))).isEqualTo(key);
    }
}
