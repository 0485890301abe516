package io.peerlink.sealed;

import static io.peerlink.sealed.SealedException.Reason.BAD_SIGNATURE;

import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.RsaPss;
import io.peerlink.crypto.X25519;
import io.peerlink.identity.PeerKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The public half of a prekey as its owner signed it, and as a mailbox stores and hands it out
 * (docs/PROTOCOL.md, "Sealed messages and prekeys"):
 *
 * <pre>
 * | kind u8 | prekey id u32 | expiresAt int64 | X25519 key (32) | ML-KEM-768 ek (1184) | u16 len | RSA-PSS signature |
 * |&lt;------------------------------ body: 1229 bytes -------------------------------&gt;|
 *
 * signature = RSA-PSS(owner, "peerlink v1 prekey" || owner peerId (32 raw bytes) || body)
 * </pre>
 *
 * <p>Every field is public, hence a record; the arrays are not copied.
 *
 * @param kind one-time or last-resort
 * @param id the owner's number for it, 0..2^32-1, never reused by the owner
 * @param expiresAt milliseconds since the epoch after which no sender may seal to it
 * @param x25519 the raw X25519 public key
 * @param encapsulationKey the raw ML-KEM-768 encapsulation key
 * @param signature the owner's RSA-PSS signature, as long as its modulus
 */
public record SignedPrekey(PrekeyKind kind, long id, long expiresAt, byte[] x25519, byte[] encapsulationKey,
        byte[] signature) {

    public SignedPrekey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(x25519, "x25519");
        Objects.requireNonNull(encapsulationKey, "encapsulationKey");
        Objects.requireNonNull(signature, "signature");
        if (id < 0 || id > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("prekey id " + id + " is not a u32");
        }
    }

    /** The signed fields, in order: kind, id, expiresAt, X25519 key, ML-KEM-768 key. Also mixed into {@code h}. */
    public byte[] body() {
        return new Fields.Writer(SealedFormat.PREKEY_BODY_LENGTH)
                .u8(kind.code()).u32(id).int64(expiresAt).raw(x25519).raw(encapsulationKey).toByteArray();
    }

    public byte[] encode() {
        return new Fields.Writer(SealedFormat.PREKEY_BODY_LENGTH + 2 + signature.length)
                .raw(body()).lengthPrefixed(signature, "signature").toByteArray();
    }

    /** Checks the layout only (lengths, kind, nothing left over); {@link #verify} checks the signature. */
    public static SignedPrekey decode(byte[] bytes) throws SealedException {
        Fields.Reader r = new Fields.Reader(bytes, "signed prekey");
        SignedPrekey prekey = read(r);
        r.end();
        return prekey;
    }

    static SignedPrekey read(Fields.Reader r) throws SealedException {
        PrekeyKind kind = PrekeyKind.of(r.u8("kind"));
        long id = r.u32("prekey id");
        long expiresAt = r.int64("expiresAt");
        byte[] x25519 = r.fixed(X25519.KEY_LENGTH, "X25519 key");
        byte[] ek = r.fixed(MlKem768.ENCAPSULATION_KEY_LENGTH, "ML-KEM-768 encapsulation key");
        byte[] signature = r.lengthPrefixed(SealedFormat.MIN_SIGNATURE_LENGTH, SealedFormat.MAX_SIGNATURE_LENGTH,
                "signature");
        return new SignedPrekey(kind, id, expiresAt, x25519, ek, signature);
    }

    /** What the signature covers: the label, the owner's peerId (raw), the body. */
    static byte[] signedData(PeerKey owner, byte[] body) {
        return new Fields.Writer(SealedFormat.PREKEY_LABEL.length + SealedFormat.PEER_ID_LENGTH + body.length)
                .raw(SealedFormat.PREKEY_LABEL).raw(IdentityKeys.peerIdBytes(owner)).raw(body).toByteArray();
    }

    /** Refuses (BAD_SIGNATURE) unless {@code owner} signed exactly these fields. */
    public void verify(PeerKey owner) throws SealedException {
        if (!RsaPss.verify(owner.key(), signedData(owner, body()), signature)) {
            throw new SealedException(BAD_SIGNATURE, kind + " prekey " + id + ": the RSA-PSS signature of "
                    + owner.peerId() + " does not verify");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedPrekey other && kind == other.kind && id == other.id && expiresAt == other.expiresAt
                && Arrays.equals(x25519, other.x25519) && Arrays.equals(encapsulationKey, other.encapsulationKey)
                && Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, id, expiresAt, Arrays.hashCode(x25519), Arrays.hashCode(encapsulationKey),
                Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "SignedPrekey[" + kind + " " + id + ", expiresAt=" + expiresAt + ", x25519="
                + HexFormat.of().formatHex(x25519) + "]";
    }
}
