package io.peerlink.sealed;

import static io.peerlink.sealed.SealedException.Reason.BAD_IDENTITY_KEY;
import static io.peerlink.sealed.SealedException.Reason.EXPIRED;
import static io.peerlink.sealed.SealedException.Reason.UNSUPPORTED_VERSION;

import io.peerlink.identity.PeerKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a sender fetches from a recipient's mailbox before it seals its first message: the
 * recipient's identity and one of its signed prekeys (docs/PROTOCOL.md, "Sealed messages and prekeys"):
 *
 * <pre>
 * | version u8 = 1 | u16 len | spki (recipient's RSA identity) | signed prekey (see {@link SignedPrekey}) |
 * </pre>
 *
 * <p>Every field is public, hence a record; the arrays are not copied.
 *
 * @param spki the recipient's RSA identity, a DER SubjectPublicKeyInfo
 * @param prekey one of its prekeys, signed with that identity
 */
public record PrekeyBundle(byte[] spki, SignedPrekey prekey) {

    public PrekeyBundle {
        Objects.requireNonNull(spki, "spki");
        Objects.requireNonNull(prekey, "prekey");
    }

    public byte[] encode() {
        return new Fields.Writer(3 + spki.length + SealedFormat.MAX_SIGNED_PREKEY_LENGTH)
                .u8(SealedFormat.VERSION).lengthPrefixed(spki, "spki").raw(prekey.encode()).toByteArray();
    }

    /** Checks the layout only; {@link #verify} checks who signed it. */
    public static PrekeyBundle decode(byte[] bytes) throws SealedException {
        Fields.Reader r = new Fields.Reader(bytes, "prekey bundle");
        int version = r.u8("version");
        if (version != SealedFormat.VERSION) {
            throw new SealedException(UNSUPPORTED_VERSION, "prekey bundle version " + version + ", only "
                    + SealedFormat.VERSION + " is known");
        }
        byte[] spki = r.lengthPrefixed(1, SealedFormat.MAX_SPKI_LENGTH, "spki");
        SignedPrekey prekey = SignedPrekey.read(r);
        r.end();
        return new PrekeyBundle(spki, prekey);
    }

    /**
     * Everything a sender checks before it seals to this bundle, in this order: the identity is one peers
     * accept and is {@code expectedPeerId} (from the invite or the contact list) (BAD_IDENTITY_KEY); the
     * prekey's signature is that identity's (BAD_SIGNATURE); it has not expired at {@code nowMillis}
     * (EXPIRED). Whether its X25519 key is of low order or its ML-KEM-768 key fails the FIPS 203
     * modulus check shows when it is used: {@link SealedMessages#seal} refuses it then (BAD_PREKEY).
     */
    public VerifiedBundle verify(String expectedPeerId, long nowMillis) throws SealedException {
        PeerKey recipient = IdentityKeys.accept(spki, "recipient");
        if (!recipient.peerId().equals(expectedPeerId)) {
            throw new SealedException(BAD_IDENTITY_KEY, "prekey bundle is signed by " + recipient.peerId()
                    + ", expected " + expectedPeerId);
        }
        prekey.verify(recipient);
        if (nowMillis > prekey.expiresAt()) {
            throw new SealedException(EXPIRED, prekey.kind() + " prekey " + prekey.id() + " expired at "
                    + prekey.expiresAt() + ", now is " + nowMillis);
        }
        return new VerifiedBundle(recipient, prekey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrekeyBundle other && Arrays.equals(spki, other.spki) && prekey.equals(other.prekey);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(spki) + prekey.hashCode();
    }

    @Override
    public String toString() {
        return "PrekeyBundle[spki=" + spki.length + " bytes, " + prekey + "]";
    }
}
