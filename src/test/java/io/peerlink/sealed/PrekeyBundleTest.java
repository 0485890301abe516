package io.peerlink.sealed;

import static io.peerlink.sealed.SealedMessagesTest.DAY;
import static io.peerlink.sealed.SealedMessagesTest.NOW;
import static io.peerlink.sealed.SealedMessagesTest.RANDOM;
import static io.peerlink.sealed.SealedMessagesTest.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.RsaPss;
import io.peerlink.identity.Identity;
import io.peerlink.sealed.SealedException.Reason;
import io.peerlink.support.TestIdentities;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A sender's checks of a prekey bundle: layout, identity, signature, expiry, usable keys. */
class PrekeyBundleTest {

    final Identity alice = TestIdentities.named("alice");
    final Identity bob = TestIdentities.named("bob");
    final Identity mallory = TestIdentities.named("mallory");
    final Prekey prekey = Prekey.generate(bob, PrekeyKind.ONE_TIME, 0xFEDCBA98L, NOW + DAY, RANDOM);
    final byte[] encoded = new PrekeyBundle(bob.publicKey().spki(), prekey.signed()).encode();

    @Test
    void roundTripsAndVerifiesAgainstTheInvitesPeerId() throws Exception {
        PrekeyBundle decoded = PrekeyBundle.decode(encoded);
        assertThat(decoded).isEqualTo(new PrekeyBundle(bob.publicKey().spki(), prekey.signed()));
        VerifiedBundle verified = decoded.verify(bob.peerId(), NOW);
        assertThat(verified.recipient()).isEqualTo(bob.publicKey());
        assertThat(verified.prekey().id()).isEqualTo(0xFEDCBA98L);
        assertThat(SignedPrekey.decode(prekey.signed().encode())).isEqualTo(prekey.signed());
        // 1 + 2 + spki + 1229 + 2 + signature
        assertThat(encoded).hasSize(1 + 2 + bob.publicKey().spki().length + SealedFormat.PREKEY_BODY_LENGTH + 2 + 256);
    }

    @Test
    void refusesEveryTamperedByteOfTheSignedPrekey() {
        int prekeyStart = 3 + bob.publicKey().spki().length;
        for (int i = prekeyStart; i < encoded.length; i++) {
            byte[] bad = encoded.clone();
            bad[i] ^= 0x01;
            int at = i;
            assertThatThrownBy(() -> PrekeyBundle.decode(bad).verify(bob.peerId(), NOW)).as("byte %d", at)
                    .isInstanceOf(SealedException.class)
                    .satisfies(e -> assertThat(((SealedException) e).reason()).as("byte %d: %s", at, e.getMessage())
                            // the kind byte (1 becomes 0) and the signature's length prefix are layout faults
                            .isIn(Reason.BAD_SIGNATURE, Reason.MALFORMED));
        }
    }

    @Test
    void refusesEveryTamperedByteOfTheIdentity() {
        for (int i = 0; i < 3 + bob.publicKey().spki().length; i++) {
            byte[] bad = encoded.clone();
            bad[i] ^= 0x01;
            int at = i;
            assertThatThrownBy(() -> PrekeyBundle.decode(bad).verify(bob.peerId(), NOW)).as("byte %d", at)
                    .isInstanceOf(SealedException.class)
                    .satisfies(e -> assertThat(((SealedException) e).reason()).as("byte %d: %s", at, e.getMessage())
                            .isIn(Reason.UNSUPPORTED_VERSION, Reason.MALFORMED, Reason.BAD_IDENTITY_KEY,
                                    Reason.BAD_SIGNATURE));
        }
    }

    @Test
    void refusesEveryTruncationAndTrailingBytes() {
        for (int length = 0; length < encoded.length; length++) {
            byte[] cut = Arrays.copyOf(encoded, length);
            refused(() -> PrekeyBundle.decode(cut), Reason.MALFORMED);
        }
        refused(() -> PrekeyBundle.decode(Arrays.copyOf(encoded, encoded.length + 1)), Reason.MALFORMED);
        byte[] version2 = encoded.clone();
        version2[0] = 2;
        refused(() -> PrekeyBundle.decode(version2), Reason.UNSUPPORTED_VERSION);
    }

    @Test
    void refusesABundleOfAnotherIdentityThanTheInvitesEvenWhenSignedCorrectly() throws Exception {
        Prekey mallorys = Prekey.generate(mallory, PrekeyKind.ONE_TIME, 1, NOW + DAY, RANDOM);
        PrekeyBundle substituted = new PrekeyBundle(mallory.publicKey().spki(), mallorys.signed());
        assertThat(substituted.verify(mallory.peerId(), NOW)).isNotNull();
        refused(() -> substituted.verify(bob.peerId(), NOW), Reason.BAD_IDENTITY_KEY);
        // bob's identity with mallory's prekey: the signature is not bob's
        refused(() -> new PrekeyBundle(bob.publicKey().spki(), mallorys.signed()).verify(bob.peerId(), NOW),
                Reason.BAD_SIGNATURE);
    }

    @Test
    void refusesIdentityKeysPeersDoNotAccept() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(new RSAKeyGenParameterSpec(2048, BigInteger.valueOf(3)));
        Identity exponent3 = new Identity(g.generateKeyPair());
        Prekey p = Prekey.generate(exponent3, PrekeyKind.ONE_TIME, 1, NOW + DAY, RANDOM);
        refused(() -> new PrekeyBundle(exponent3.publicKey().spki(), p.signed()).verify(exponent3.peerId(), NOW),
                Reason.BAD_IDENTITY_KEY);
        g.initialize(1024);
        Identity small = new Identity(g.generateKeyPair());
        Prekey q = Prekey.generate(small, PrekeyKind.ONE_TIME, 1, NOW + DAY, RANDOM);
        refused(() -> new PrekeyBundle(small.publicKey().spki(), q.signed()).verify(small.peerId(), NOW),
                Reason.BAD_IDENTITY_KEY);
        // on the wire its 128-byte signature is already out of the layout's range
        refused(() -> PrekeyBundle.decode(new PrekeyBundle(small.publicKey().spki(), q.signed()).encode()),
                Reason.MALFORMED);
    }

    @Test
    void theSealerRefusesALowOrderX25519PrekeyAndAnMlKemKeyFailingTheModulusCheck() throws Exception {
        SealingKey aliceKey = SealingKey.generate(alice, NOW + DAY, RANDOM);
        SignedPrekey lowOrder = signed(bob, new byte[32], prekey.signed().encapsulationKey());
        VerifiedBundle low = new PrekeyBundle(bob.publicKey().spki(), lowOrder).verify(bob.peerId(), NOW);
        refused(() -> SealedMessages.seal(aliceKey, low, UUID.randomUUID(), NOW, "x", RANDOM), Reason.BAD_PREKEY);

        byte[] badEk = new byte[MlKem768.ENCAPSULATION_KEY_LENGTH];
        Arrays.fill(badEk, 0, 384, (byte) 0xFF); // coefficients of 4095, above q = 3329
        SignedPrekey unreduced = signed(bob, prekey.signed().x25519(), badEk);
        VerifiedBundle bad = new PrekeyBundle(bob.publicKey().spki(), unreduced).verify(bob.peerId(), NOW);
        refused(() -> SealedMessages.seal(aliceKey, bad, UUID.randomUUID(), NOW, "x", RANDOM), Reason.BAD_PREKEY);
    }

    /**
     * The X25519 u-coordinates of low order (and their non-canonical forms, with the top bit set or at
     * and above p), as listed in Wycheproof's x25519 tests and libsodium's blocklist: a prekey with any
     * of them is refused when sealing, and an {@code e} with any of them does not open.
     */
    static final List<String> LOW_ORDER = List.of(
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "0000000000000000000000000000000000000000000000000000000000000080",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");

    @Test
    void lowOrderPointsAreRefusedAsPrekeysAndAsEphemeralKeys() throws Exception {
        SealingKey aliceKey = SealingKey.generate(alice, NOW + DAY, RANDOM);
        MemoryPrekeyStore store = new MemoryPrekeyStore().add(prekey);
        byte[] sealed = SealedMessages.seal(aliceKey, new PrekeyBundle(bob.publicKey().spki(), prekey.signed())
                .verify(bob.peerId(), NOW), UUID.randomUUID(), NOW, "x", RANDOM);
        for (String point : LOW_ORDER) {
            byte[] u = HexFormat.of().parseHex(point);
            VerifiedBundle low = new PrekeyBundle(bob.publicKey().spki(),
                    signed(bob, u, prekey.signed().encapsulationKey())).verify(bob.peerId(), NOW);
            refused(() -> SealedMessages.seal(aliceKey, low, UUID.randomUUID(), NOW, "x", RANDOM), Reason.BAD_PREKEY);
            byte[] withLowE = sealed.clone();
            System.arraycopy(u, 0, withLowE, SealedFormat.HEADER_LENGTH, u.length);
            refused(() -> SealedMessages.open(bob, store, withLowE, NOW), Reason.NOT_AUTHENTIC);
        }
        assertThat(SealedMessages.open(bob, store, sealed, NOW).text()).isEqualTo("x");
    }

    /** A prekey with the given public keys, correctly signed by {@code owner}: what a broken owner might publish. */
    static SignedPrekey signed(Identity owner, byte[] x25519, byte[] ek) {
        SignedPrekey unsigned = new SignedPrekey(PrekeyKind.ONE_TIME, 77, NOW + DAY, x25519, ek, new byte[0]);
        byte[] signature = RsaPss.sign(owner.privateKey(), SignedPrekey.signedData(owner.publicKey(), unsigned.body()),
                RANDOM);
        return new SignedPrekey(PrekeyKind.ONE_TIME, 77, NOW + DAY, x25519, ek, signature);
    }

    @Test
    void aSignatureCoversTheOwnersPeerIdSoItCannotBeClaimedForAnotherKey() {
        byte[] forBob = SignedPrekey.signedData(bob.publicKey(), prekey.signed().body());
        byte[] forMallory = SignedPrekey.signedData(mallory.publicKey(), prekey.signed().body());
        assertThat(forBob).isNotEqualTo(forMallory);
        // so bob's signature does not verify as mallory's, over the same body
        byte[] bobsSignature = prekey.signed().signature();
        assertThat(RsaPss.verify(bob.publicKey().key(), forBob, bobsSignature)).isTrue();
        assertThat(RsaPss.verify(bob.publicKey().key(), forMallory, bobsSignature)).isFalse();
    }
}
