package io.peerlink.sealed;

import static io.peerlink.sealed.SealedMessagesTest.DAY;
import static io.peerlink.sealed.SealedMessagesTest.NOW;
import static io.peerlink.sealed.SealedMessagesTest.RANDOM;
import static io.peerlink.sealed.SealedMessagesTest.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.identity.Identity;
import io.peerlink.sealed.SealedException.Reason;
import io.peerlink.support.TestIdentities;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The sender certificate on its own: layout, every tampered byte, every truncation. */
class SenderCertificateTest {

    final Identity alice = TestIdentities.named("alice");
    final SenderCertificate certificate = SealingKey.generate(alice, NOW + DAY, RANDOM).certificate();
    final byte[] encoded = certificate.encode();

    @Test
    void roundTripsAndNamesItsSigner() throws Exception {
        assertThat(SenderCertificate.decode(encoded)).isEqualTo(certificate);
        assertThat(SenderCertificate.decode(encoded).verify()).isEqualTo(alice.publicKey());
        assertThat(encoded).hasSize(2 + alice.publicKey().spki().length + 32 + 8 + 2 + 256);
    }

    @Test
    void refusesEveryTamperedByte() {
        for (int i = 0; i < encoded.length; i++) {
            byte[] bad = encoded.clone();
            bad[i] ^= 0x10;
            int at = i;
            assertThatThrownBy(() -> SenderCertificate.decode(bad).verify()).as("byte %d", at)
                    .isInstanceOf(SealedException.class)
                    .satisfies(e -> assertThat(((SealedException) e).reason()).as("byte %d: %s", at, e.getMessage())
                            .isIn(Reason.MALFORMED, Reason.BAD_IDENTITY_KEY, Reason.BAD_SIGNATURE));
        }
    }

    @Test
    void refusesEveryTruncationAndTrailingBytes() {
        for (int length = 0; length < encoded.length; length++) {
            byte[] cut = Arrays.copyOf(encoded, length);
            refused(() -> SenderCertificate.decode(cut), Reason.MALFORMED);
        }
        refused(() -> SenderCertificate.decode(Arrays.copyOf(encoded, encoded.length + 1)), Reason.MALFORMED);
    }
}
