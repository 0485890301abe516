package io.peerlink.sealed;

import static io.peerlink.sealed.SealedException.Reason.BAD_SIGNATURE;

import io.peerlink.crypto.RsaPss;
import io.peerlink.crypto.X25519;
import io.peerlink.identity.PeerKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A sender's X25519 sealing key, signed with its RSA identity: what tells the recipient of a sealed
 * message who sealed it. It travels encrypted inside every sealed message (docs/PROTOCOL.md, "Sealed
 * messages and prekeys"):
 *
 * <pre>
 * | u16 len | spki (sender's RSA identity) | sealing key (32) | expiresAt int64 | u16 len | RSA-PSS signature |
 *
 * signature = RSA-PSS(sender, "peerlink v1 sealing key" || sender peerId (32 raw bytes) || sealing key || expiresAt)
 * </pre>
 *
 * <p>Every field is public, hence a record; the arrays are not copied.
 *
 * @param spki the sender's RSA identity, a DER SubjectPublicKeyInfo
 * @param sealingKey the raw X25519 public key
 * @param expiresAt milliseconds since the epoch; no message sent after it is accepted under this key
 * @param signature the sender's RSA-PSS signature
 */
public record SenderCertificate(byte[] spki, byte[] sealingKey, long expiresAt, byte[] signature) {

    public SenderCertificate {
        Objects.requireNonNull(spki, "spki");
        Objects.requireNonNull(sealingKey, "sealingKey");
        Objects.requireNonNull(signature, "signature");
    }

    public byte[] encode() {
        return new Fields.Writer(2 + spki.length + X25519.KEY_LENGTH + 8 + 2 + signature.length)
                .lengthPrefixed(spki, "spki").raw(sealingKey).int64(expiresAt).lengthPrefixed(signature, "signature")
                .toByteArray();
    }

    /** Checks the layout only; {@link #verify} checks the identity and the signature. */
    public static SenderCertificate decode(byte[] bytes) throws SealedException {
        Fields.Reader r = new Fields.Reader(bytes, "sender certificate");
        byte[] spki = r.lengthPrefixed(1, SealedFormat.MAX_SPKI_LENGTH, "spki");
        byte[] sealingKey = r.fixed(X25519.KEY_LENGTH, "sealing key");
        long expiresAt = r.int64("expiresAt");
        byte[] signature = r.lengthPrefixed(SealedFormat.MIN_SIGNATURE_LENGTH, SealedFormat.MAX_SIGNATURE_LENGTH,
                "signature");
        r.end();
        return new SenderCertificate(spki, sealingKey, expiresAt, signature);
    }

    static byte[] signedData(PeerKey sender, byte[] sealingKey, long expiresAt) {
        return new Fields.Writer(SealedFormat.SEALING_KEY_LABEL.length + SealedFormat.PEER_ID_LENGTH
                + X25519.KEY_LENGTH + 8)
                .raw(SealedFormat.SEALING_KEY_LABEL).raw(IdentityKeys.peerIdBytes(sender)).raw(sealingKey)
                .int64(expiresAt).toByteArray();
    }

    /**
     * The sender, once its identity is one peers accept (BAD_IDENTITY_KEY) and the signature is its own
     * (BAD_SIGNATURE).
     */
    public PeerKey verify() throws SealedException {
        PeerKey sender = IdentityKeys.accept(spki, "sender");
        if (!RsaPss.verify(sender.key(), signedData(sender, sealingKey, expiresAt), signature)) {
            throw new SealedException(BAD_SIGNATURE, "sender certificate of " + sender.peerId()
                    + ": the RSA-PSS signature does not verify");
        }
        return sender;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SenderCertificate other && Arrays.equals(spki, other.spki)
                && Arrays.equals(sealingKey, other.sealingKey) && expiresAt == other.expiresAt
                && Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(spki), Arrays.hashCode(sealingKey), expiresAt, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "SenderCertificate[sealingKey=" + HexFormat.of().formatHex(sealingKey) + ", expiresAt=" + expiresAt
                + "]";
    }
}
