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
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A prekey's stored form: what the recipient keeps so that a restart does not strand its mailbox's messages. */
class PrekeyStorageTest {

    final Identity alice = TestIdentities.named("alice");
    final Identity bob = TestIdentities.named("bob");
    final Prekey prekey = Prekey.generate(bob, PrekeyKind.ONE_TIME, 61, NOW + DAY, RANDOM);
    final byte[] stored = prekey.encodePrivate();

    @Test
    void aStoredPrekeyStillOpensWhatWasSealedToIt() throws Exception {
        byte[] sealed = SealedMessages.seal(SealingKey.generate(alice, NOW + DAY, RANDOM),
                new PrekeyBundle(bob.publicKey().spki(), prekey.signed()).verify(bob.peerId(), NOW),
                UUID.randomUUID(), NOW, "after a restart", RANDOM);
        Prekey restored = Prekey.decodePrivate(stored);
        assertThat(restored.signed()).isEqualTo(prekey.signed());
        assertThat(restored.encodePrivate()).isEqualTo(stored);
        assertThat(SealedMessages.open(bob, new MemoryPrekeyStore().add(restored), sealed, NOW).text())
                .isEqualTo("after a restart");
        int scalarAt = 1 + 2 + prekey.signed().encode().length;
        assertThat(restored.toString()).doesNotContain(HexFormat.of().formatHex(stored, scalarAt, scalarAt + 32));
    }

    @Test
    void refusesPrivateKeysOfAnotherPrekey() {
        Prekey other = Prekey.generate(bob, PrekeyKind.ONE_TIME, 62, NOW + DAY, RANDOM);
        byte[] otherStored = other.encodePrivate();
        int privateFrom = 1 + 2 + prekey.signed().encode().length;
        byte[] mixed = Arrays.copyOf(stored, stored.length);
        System.arraycopy(otherStored, privateFrom, mixed, privateFrom, stored.length - privateFrom);
        refused(() -> Prekey.decodePrivate(mixed), Reason.MALFORMED);
        byte[] otherScalar = Arrays.copyOf(stored, stored.length);
        System.arraycopy(otherStored, privateFrom, otherScalar, privateFrom, 32);
        refused(() -> Prekey.decodePrivate(otherScalar), Reason.MALFORMED);
    }

    @Test
    void refusesTruncationsTrailingBytesAndOtherVersions() {
        for (int length = 0; length < stored.length; length += 13) {
            byte[] cut = Arrays.copyOf(stored, length);
            int at = length;
            assertThatThrownBy(() -> Prekey.decodePrivate(cut)).as("length %d", at)
                    .isInstanceOf(SealedException.class)
                    .satisfies(e -> assertThat(((SealedException) e).reason()).isEqualTo(Reason.MALFORMED));
        }
        refused(() -> Prekey.decodePrivate(Arrays.copyOf(stored, stored.length + 1)), Reason.MALFORMED);
        byte[] version2 = stored.clone();
        version2[0] = 2;
        refused(() -> Prekey.decodePrivate(version2), Reason.UNSUPPORTED_VERSION);
        // an ML-KEM key the JDK cannot parse
        byte[] garbled = stored.clone();
        int pkcs8 = 1 + 2 + prekey.signed().encode().length + 32 + 2;
        Arrays.fill(garbled, pkcs8, pkcs8 + 8, (byte) 0x55);
        refused(() -> Prekey.decodePrivate(garbled), Reason.MALFORMED);
    }
}
