package io.peerlink.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.support.DefaultLocale;
import io.peerlink.support.TestIdentities;
import java.security.KeyPairGenerator;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FingerprintsTest {

    private final PeerKey alice = TestIdentities.named("alice").publicKey();
    private final PeerKey bob = TestIdentities.named("bob").publicKey();

    @Test
    void peerIdIsLowercaseHexSha256OfSubjectPublicKeyInfo() {
        assertThat(alice.peerId()).isEqualTo(java.util.HexFormat.of().formatHex(
                io.peerlink.crypto.SymmetricState.sha256(alice.key().getEncoded())));
    }

    @Test
    void fingerprintGroupsAllOfThePeerIdInFours() {
        String fp = alice.fingerprint();
        assertThat(fp).matches("([0-9a-f]{4} ){15}[0-9a-f]{4}");
        assertThat(fp.replace(" ", "")).isEqualTo(alice.peerId());
        assertThat(Fingerprints.normalise(fp.toUpperCase().replace(' ', ':'))).isEqualTo(alice.peerId());
    }

    @Test
    void safetyNumberIsSixtyDigitsInTwelveGroupsAndTheSameOnBothSides() {
        String ab = Fingerprints.safetyNumber(alice, bob);
        assertThat(ab).matches("(\\d{5} ){11}\\d{5}");
        assertThat(Fingerprints.safetyNumber(bob, alice)).isEqualTo(ab);
        String ac = Fingerprints.safetyNumber(alice, TestIdentities.named("carol").publicKey());
        assertThat(ac).isNotEqualTo(ab);
        // each identity contributes its own 30 digits
        assertThat(ab.replace(" ", "")).contains(Fingerprints.identityDigits(alice))
                .contains(Fingerprints.identityDigits(bob));
    }

    @Test
    void safetyNumberPayloadIsTheSameOnBothSidesWithTheLowerPeerIdFirst() {
        String payload = Fingerprints.safetyNumberPayload(alice, bob);
        assertThat(Fingerprints.safetyNumberPayload(bob, alice)).isEqualTo(payload);
        String lower = alice.peerId().compareTo(bob.peerId()) < 0 ? alice.peerId() : bob.peerId();
        String higher = lower.equals(alice.peerId()) ? bob.peerId() : alice.peerId();
        assertThat(payload).isEqualTo("peerlink-safety:1:" + Fingerprints.safetyNumber(alice, bob).replace(" ", "")
                + ":" + lower + ":" + higher);
        assertThat(payload).matches("peerlink-safety:1:[0-9]{60}:[0-9a-f]{64}:[0-9a-f]{64}");
        // from a safety number computed before, spaced or not, the same text
        assertThat(Fingerprints.safetyNumberPayload(Fingerprints.safetyNumber(alice, bob), higher, lower))
                .isEqualTo(payload);
    }

    @Test
    void safetyNumberPayloadRefusesWhatIsNotASafetyNumberOrAPeerId() {
        String sn = Fingerprints.safetyNumber(alice, bob);
        assertThatThrownBy(() -> Fingerprints.safetyNumberPayload(sn.substring(1), alice.peerId(), bob.peerId()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fingerprints.safetyNumberPayload(sn.replace('1', '\u0661'), alice.peerId(),
                bob.peerId())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fingerprints.safetyNumberPayload(sn, alice.peerId().toUpperCase(Locale.ROOT),
                bob.peerId())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fingerprints.safetyNumberPayload(sn, alice.fingerprint(), bob.peerId()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fa-IR", "ar-EG", "th-TH-u-nu-thai", "hi-IN-u-nu-deva", "tr-TR"})
    void safetyNumberIsTheSameAsciiDigitsUnderEveryDefaultLocale(String tag) throws Exception {
        String expected = DefaultLocale.with(Locale.ROOT, () -> Fingerprints.safetyNumber(alice, bob));
        assertThat(expected).matches("([0-9]{5} ){11}[0-9]{5}");
        String underLocale = DefaultLocale.with(Locale.forLanguageTag(tag), () -> Fingerprints.safetyNumber(alice, bob));
        assertThat(underLocale).isEqualTo(expected);
    }

    @Test
    void refusesSpkiThatIsNotRsaOrNotCanonical() throws Exception {
        byte[] ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic().getEncoded();
        assertThatThrownBy(() -> PeerKey.fromSpki(ec)).hasMessageContaining("RSA");
        byte[] garbage = {0x30, 0x03, 0x02, 0x01, 0x00};
        assertThatThrownBy(() -> PeerKey.fromSpki(garbage)).hasMessageContaining("RSA");
        byte[] trailing = java.util.Arrays.copyOf(alice.spki(), alice.spki().length + 1);
        assertThatThrownBy(() -> PeerKey.fromSpki(trailing)).hasMessageContaining("RSA");
    }
}
