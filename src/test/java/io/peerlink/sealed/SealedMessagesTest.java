package io.peerlink.sealed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.identity.Identity;
import io.peerlink.sealed.SealedException.Reason;
import io.peerlink.support.TestIdentities;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Sealing and opening as a sender and a recipient do it, and every way a sealed message must be
 * refused: tampered, truncated, for someone else, from someone else, on a used prekey.
 */
class SealedMessagesTest {

    static final long NOW = 1_764_000_000_000L;
    static final long DAY = 24 * 60 * 60 * 1000L;
    static final SecureRandom RANDOM = new SecureRandom();

    final Identity alice = TestIdentities.named("alice");
    final Identity bob = TestIdentities.named("bob");
    final Identity mallory = TestIdentities.named("mallory");
    final SealingKey aliceKey = SealingKey.generate(alice, NOW + 7 * DAY, RANDOM);

    static Prekey oneTime(Identity owner, long id) {
        return Prekey.generate(owner, PrekeyKind.ONE_TIME, id, NOW + 7 * DAY, RANDOM);
    }

    static VerifiedBundle bundle(Identity owner, Prekey prekey) throws SealedException {
        return PrekeyBundle.decode(new PrekeyBundle(owner.publicKey().spki(), prekey.signed()).encode())
                .verify(owner.peerId(), NOW);
    }

    byte[] sealToBob(Prekey prekey, UUID id, String text) throws SealedException {
        return SealedMessages.seal(aliceKey, bundle(bob, prekey), id, NOW, text, RANDOM);
    }

    static void refused(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOf(SealedException.class)
                .satisfies(e -> assertThat(((SealedException) e).reason()).as(e.getMessage()).isEqualTo(reason));
    }

    @Test
    void theRecipientOpensAMessageFromAnInviteAloneAndKnowsWhoSealedIt() throws Exception {
        Prekey prekey = oneTime(bob, 7);
        MemoryPrekeyStore store = new MemoryPrekeyStore().add(prekey);
        UUID id = UUID.randomUUID();
        byte[] sealed = sealToBob(prekey, id, "hello while you were away ✓");

        assertThat(SealedMessages.prekeyId(sealed)).isEqualTo(7);
        OpenedMessage opened = SealedMessages.open(bob, store, sealed, NOW + DAY);
        assertThat(opened.sender()).isEqualTo(alice.publicKey());
        assertThat(opened.messageId()).isEqualTo(id);
        assertThat(opened.sentAt()).isEqualTo(NOW);
        assertThat(opened.text()).isEqualTo("hello while you were away ✓");
        assertThat(opened.prekeyKind()).isEqualTo(PrekeyKind.ONE_TIME);
        assertThat(store.consumed(7)).isTrue();
        assertThat(store.prekey(7)).isNull();
    }

    @Test
    void theMailboxSeesNeitherTheSenderNorTheTextNorTheMessageId() throws Exception {
        Prekey prekey = oneTime(bob, 1);
        UUID id = UUID.randomUUID();
        String text = "a text the mailbox must not read";
        String hex = HexFormat.of().formatHex(sealToBob(prekey, id, text));
        assertThat(hex).doesNotContain(HexFormat.of().formatHex(alice.publicKey().spki()))
                .doesNotContain(alice.peerId())
                .doesNotContain(HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8)))
                .doesNotContain(Long.toHexString(id.getMostSignificantBits()).substring(0, 8))
                .doesNotContain(HexFormat.of().formatHex(aliceKey.certificate().sealingKey()));
    }

    @Test
    void aOneTimePrekeyOpensOneMessageOnly() throws Exception {
        Prekey prekey = oneTime(bob, 3);
        MemoryPrekeyStore store = new MemoryPrekeyStore().add(prekey);
        byte[] first = sealToBob(prekey, UUID.randomUUID(), "one");
        byte[] second = sealToBob(prekey, UUID.randomUUID(), "two");
        SealedMessages.open(bob, store, first, NOW);
        refused(() -> SealedMessages.open(bob, store, second, NOW), Reason.PREKEY_CONSUMED);
        // and a copy of the first (a replay) likewise
        refused(() -> SealedMessages.open(bob, store, first, NOW), Reason.PREKEY_CONSUMED);
    }

    @Test
    void twoMessagesOnOneOneTimePrekeyOpenedAtOnceLetExactlyOneThrough() throws Exception {
        for (int round = 0; round < 5; round++) {
            Prekey prekey = oneTime(bob, 100 + round);
            MemoryPrekeyStore store = new MemoryPrekeyStore().add(prekey);
            List<Callable<OpenedMessage>> opens = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] sealed = sealToBob(prekey, UUID.randomUUID(), "racer " + i);
                opens.add(() -> SealedMessages.open(bob, store, sealed, NOW));
            }
            int opened = 0;
            List<Reason> refusals = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                for (Future<OpenedMessage> f : pool.invokeAll(opens)) {
                    try {
                        f.get();
                        opened++;
                    } catch (java.util.concurrent.ExecutionException e) {
                        refusals.add(((SealedException) e.getCause()).reason());
                    }
                }
            }
            assertThat(opened).isEqualTo(1);
            assertThat(refusals).hasSize(3).containsOnly(Reason.PREKEY_CONSUMED);
        }
    }

    @Test
    void aLastResortPrekeyOpensManyMessagesAndACopyOpensToTheSameIdForTheInboxToDedup() throws Exception {
        Prekey lastResort = Prekey.generate(bob, PrekeyKind.LAST_RESORT, 9, NOW + 7 * DAY, RANDOM);
        MemoryPrekeyStore store = new MemoryPrekeyStore().add(lastResort);
        UUID id = UUID.randomUUID();
        byte[] sealed = sealToBob(lastResort, id, "first");
        byte[] other = sealToBob(lastResort, UUID.randomUUID(), "second");
        assertThat(SealedMessages.open(bob, store, sealed, NOW).messageId()).isEqualTo(id);
        assertThat(SealedMessages.open(bob, store, other, NOW).text()).isEqualTo("second");
        OpenedMessage replay = SealedMessages.open(bob, store, sealed, NOW);
        assertThat(replay.messageId()).isEqualTo(id);
        assertThat(replay.sender()).isEqualTo(alice.publicKey());
        assertThat(store.prekey(9)).isNotNull();
        assertThat(store.consumed(9)).isFalse();
    }

    @Test
    void refusesEveryTamperedByteWithoutConsumingThePrekey() throws Exception {
        Prekey prekey = oneTime(bob, 0x01020304L);
        MemoryPrekeyStore store = new MemoryPrekeyStore().add(prekey);
        byte[] sealed = sealToBob(prekey, UUID.randomUUID(), "tamper with me");
        for (int i = 0; i < sealed.length; i++) {
            byte[] bad = sealed.clone();
            bad[i] ^= (byte) (1 << (i % 8));
            Reason expected = i == 0 ? Reason.UNSUPPORTED_VERSION
                    : i < SealedFormat.HEADER_LENGTH ? Reason.UNKNOWN_PREKEY : null;
            int at = i;
            assertThatThrownBy(() -> SealedMessages.open(bob, store, bad, NOW)).as("byte %d", at)
                    .isInstanceOf(SealedException.class)
                    .satisfies(e -> {
                        Reason reason = ((SealedException) e).reason();
                        if (expected != null) {
                            assertThat(reason).as("byte %d", at).isEqualTo(expected);
                        } else {
                            // the enc_cert length prefix may make the layout wrong before anything is decrypted
                            assertThat(reason).as("byte %d: %s", at, e.getMessage())
                                    .isIn(Reason.NOT_AUTHENTIC, Reason.MALFORMED);
                        }
                    });
        }
        assertThat(store.consumed(0x01020304L)).isFalse();
        assertThat(SealedMessages.open(bob, store, sealed, NOW).text()).isEqualTo("tamper with me");
    }

    @Test
    void refusesEveryTruncationAndAppendedBytes() throws Exception {
        Prekey prekey = oneTime(bob, 5);
        MemoryPrekeyStore store = new MemoryPrekeyStore().add(prekey);
        byte[] sealed = sealToBob(prekey, UUID.randomUUID(), "cut me short");
        for (int length = 0; length < sealed.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(sealed, length);
            int at = length;
            assertThatThrownBy(() -> SealedMessages.open(bob, store, cut, NOW)).as("length %d", at)
                    .isInstanceOf(SealedException.class)
                    .satisfies(e -> assertThat(((SealedException) e).reason()).as("length %d", at)
                            .isIn(Reason.MALFORMED, Reason.NOT_AUTHENTIC));
        }
        byte[] longer = java.util.Arrays.copyOf(sealed, sealed.length + 1);
        refused(() -> SealedMessages.open(bob, store, longer, NOW), Reason.NOT_AUTHENTIC);
        refused(() -> SealedMessages.open(bob, store, new byte[SealedFormat.MAX_SEALED_LENGTH + 1], NOW),
                Reason.TOO_LARGE);
        refused(() -> SealedMessages.prekeyId(new byte[3]), Reason.MALFORMED);
        assertThat(SealedMessages.open(bob, store, sealed, NOW).text()).isEqualTo("cut me short");
    }

    @Test
    void noOneButTheRecipientOpensIt() throws Exception {
        Prekey bobsPrekey = oneTime(bob, 11);
        byte[] sealed = sealToBob(bobsPrekey, UUID.randomUUID(), "for bob only");
        // mallory holds a prekey under the same id, signed by herself: the recipient's peerId and the
        // prekey are both in h, so the message does not open for her
        Prekey mallorysPrekey = oneTime(mallory, 11);
        refused(() -> SealedMessages.open(mallory, new MemoryPrekeyStore().add(mallorysPrekey), sealed, NOW),
                Reason.NOT_AUTHENTIC);
        // even with bob's very prekey (stolen before it was used), under her own identity
        refused(() -> SealedMessages.open(mallory, new MemoryPrekeyStore().add(bobsPrekey), sealed, NOW),
                Reason.NOT_AUTHENTIC);
        // without the prekey, bob's RSA key alone does not open it
        refused(() -> SealedMessages.open(bob, new MemoryPrekeyStore(), sealed, NOW), Reason.UNKNOWN_PREKEY);
    }

    @Test
    void afterThePrekeyIsDeletedStolenIdentityKeysAndTheMailboxCopyDoNotOpenIt() throws Exception {
        Prekey prekey = oneTime(bob, 21);
        MemoryPrekeyStore store = new MemoryPrekeyStore().add(prekey);
        byte[] atTheMailbox = sealToBob(prekey, UUID.randomUUID(), "forward secret");
        SealedMessages.open(bob, store, atTheMailbox, NOW);
        // the thief has bob's and alice's RSA keys, alice's sealing key and the mailbox's copy: with bob's
        // RSA key it signs a fresh prekey under the consumed id, but its private keys are not the deleted ones
        Prekey forged = oneTime(bob, 21);
        refused(() -> SealedMessages.open(bob, new MemoryPrekeyStore().add(forged), atTheMailbox, NOW),
                Reason.NOT_AUTHENTIC);
        // (alice's sealing key gives the thief the ss step only; es and the ML-KEM secret need the deleted
        // prekey, which is what the forged prekey above lacks) and bob's own store refuses the copy
        refused(() -> SealedMessages.open(bob, store, atTheMailbox, NOW), Reason.PREKEY_CONSUMED);
    }

    @Test
    void refusesASenderCertificateSignedBySomeoneElse() throws Exception {
        Prekey prekey = oneTime(bob, 31);
        MemoryPrekeyStore store = new MemoryPrekeyStore().add(prekey);
        // mallory claims to be alice: alice's spki, mallory's sealing key, mallory's signature
        SealingKey mallorys = SealingKey.generate(mallory, NOW + DAY, RANDOM);
        SenderCertificate real = mallorys.certificate();
        SenderCertificate claim = new SenderCertificate(alice.publicKey().spki(), real.sealingKey(), real.expiresAt(),
                real.signature());
        SealingKey impostor = new SealingKeyWithCertificate(mallorys, claim).key();
        byte[] sealed = SealedMessages.seal(impostor, bundle(bob, prekey), UUID.randomUUID(), NOW, "it's me, alice",
                RANDOM);
        refused(() -> SealedMessages.open(bob, store, sealed, NOW), Reason.BAD_SIGNATURE);
        assertThat(store.consumed(31)).isFalse();
    }

    @Test
    void refusesAlicesGenuineCertificateSealedByMallory() throws Exception {
        Prekey prekey = oneTime(bob, 32);
        MemoryPrekeyStore store = new MemoryPrekeyStore().add(prekey);
        // mallory copies alice's certificate (it is in every message alice sends her) but has not its private key
        SealingKey mallorys = SealingKey.generate(mallory, NOW + DAY, RANDOM);
        SealingKey impostor = new SealingKeyWithCertificate(mallorys, aliceKey.certificate()).key();
        byte[] sealed = SealedMessages.seal(impostor, bundle(bob, prekey), UUID.randomUUID(), NOW, "it's me, alice",
                RANDOM);
        refused(() -> SealedMessages.open(bob, store, sealed, NOW), Reason.NOT_AUTHENTIC);
        assertThat(store.consumed(32)).isFalse();
    }

    @Test
    void refusesExpiredSealingKeysAndPrekeys() throws Exception {
        Prekey prekey = oneTime(bob, 41);
        MemoryPrekeyStore store = new MemoryPrekeyStore().add(prekey);
        SealingKey shortLived = SealingKey.generate(alice, NOW + 1000, RANDOM);
        refused(() -> SealedMessages.seal(shortLived, bundle(bob, prekey), UUID.randomUUID(), NOW + 1001, "late",
                RANDOM), Reason.EXPIRED);
        byte[] sealed = SealedMessages.seal(shortLived, bundle(bob, prekey), UUID.randomUUID(), NOW + 1000, "in time",
                RANDOM);
        refused(() -> SealedMessages.open(bob, store, sealed, NOW + 1001 + SealedFormat.OPEN_GRACE_MILLIS),
                Reason.EXPIRED);
        assertThat(SealedMessages.open(bob, store, sealed, NOW + 1000 + SealedFormat.OPEN_GRACE_MILLIS).text())
                .isEqualTo("in time");
        refused(() -> new PrekeyBundle(bob.publicKey().spki(), prekey.signed()).verify(bob.peerId(), NOW + 8 * DAY),
                Reason.EXPIRED);
        refused(() -> SealedMessages.seal(aliceKey, bundle(bob, prekey), UUID.randomUUID(), NOW + 8 * DAY, "late",
                RANDOM), Reason.EXPIRED);
    }

    @Test
    void refusesATextOverTheLiveChannelsLimit() throws Exception {
        Prekey prekey = oneTime(bob, 51);
        MemoryPrekeyStore store = new MemoryPrekeyStore().add(prekey);
        refused(() -> sealToBob(prekey, UUID.randomUUID(), "x".repeat(SealedFormat.MAX_TEXT_BYTES + 1)),
                Reason.TOO_LARGE);
        byte[] largest = sealToBob(prekey, UUID.randomUUID(), "é".repeat(SealedFormat.MAX_TEXT_BYTES / 2));
        assertThat(largest.length).isLessThanOrEqualTo(SealedFormat.MAX_SEALED_LENGTH);
        assertThat(SealedMessages.open(bob, store, largest, NOW).text()).hasSize(SealedFormat.MAX_TEXT_BYTES / 2);
    }

    @Test
    void overheadIsTheKeyMaterialTheCertificateAndTwoTags() throws Exception {
        Identity bob3072 = TestIdentities.named("bob", 3072);
        Identity alice3072 = TestIdentities.named("alice", 3072);
        SealingKey key = SealingKey.generate(alice3072, NOW + DAY, RANDOM);
        Prekey prekey = oneTime(bob3072, 1);
        byte[] sealed = SealedMessages.seal(key, bundle(bob3072, prekey), UUID.randomUUID(), NOW, "hi", RANDOM);
        int overhead = sealed.length - 2;
        // 1125 key material + 2 + 850 certificate (422-byte spki, 384-byte signature) + 16 + 24 + 16
        assertThat(overhead).isEqualTo(SealedFormat.KEY_MATERIAL_LENGTH + 2 + key.certificate().encode().length
                + SealedFormat.TAG_LENGTH + SealedFormat.BODY_FIXED_LENGTH + SealedFormat.TAG_LENGTH);
        assertThat(overhead).isEqualTo(2033).isLessThanOrEqualTo(2048);
    }

    @Test
    void sizesAreTheSpecs() {
        // docs/PROTOCOL.md 13.6
        assertThat(SealedFormat.PREKEY_BODY_LENGTH).isEqualTo(1229);
        assertThat(SealedFormat.KEY_MATERIAL_LENGTH + 2 + SealedFormat.TAG_LENGTH + SealedFormat.BODY_FIXED_LENGTH
                + SealedFormat.TAG_LENGTH).isEqualTo(1183);
        assertThat(SealedFormat.MIN_CERTIFICATE_LENGTH).isEqualTo(301);
        assertThat(SealedFormat.MAX_CERTIFICATE_LENGTH).isEqualTo(2168);
        assertThat(SealedFormat.MIN_SEALED_LENGTH).isEqualTo(1484);
        assertThat(SealedFormat.MAX_SEALED_LENGTH).isEqualTo(68_887);
        assertThat(SealedFormat.MAX_TEXT_BYTES).isEqualTo(65_536);
        assertThat(SealedFormat.OPEN_GRACE_MILLIS).isEqualTo(30 * DAY);
        assertThat(aliceKey.certificate().encode()).hasSize(594);
        assertThat(new PrekeyBundle(bob.publicKey().spki(), oneTime(bob, 1).signed()).encode()).hasSize(1784);
    }

    /** A sealing key with a certificate that is not its own: what an impostor would send. */
    record SealingKeyWithCertificate(SealingKey own, SenderCertificate certificate) {
        SealingKey key() {
            return SealingKey.of(own.privateKey(), certificate);
        }
    }
}
