package io.peerlink.sealed;

import static io.peerlink.sealed.SealedException.Reason.BAD_PREKEY;
import static io.peerlink.sealed.SealedException.Reason.EXPIRED;
import static io.peerlink.sealed.SealedException.Reason.MALFORMED;
import static io.peerlink.sealed.SealedException.Reason.NOT_AUTHENTIC;
import static io.peerlink.sealed.SealedException.Reason.PREKEY_CONSUMED;
import static io.peerlink.sealed.SealedException.Reason.TOO_LARGE;
import static io.peerlink.sealed.SealedException.Reason.UNKNOWN_PREKEY;
import static io.peerlink.sealed.SealedException.Reason.UNSUPPORTED_VERSION;

import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.SymmetricState;
import io.peerlink.crypto.X25519;
import io.peerlink.identity.Identity;
import io.peerlink.identity.PeerKey;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals a message for a recipient who may be offline, and opens one (docs/PROTOCOL.md, "Sealed
 * messages and prekeys", is the reference for every step). The layout:
 *
 * <pre>
 * | version u8 = 1 | prekey id u32 | e (32) | ct (1088) | u16 len | enc_cert | enc_body (the rest) |
 * |&lt;--- header: what a mailbox may read ---&gt;|
 *
 * enc_cert = AEAD(k_cert, 0, h, sender certificate)        (its length: certificate + 16)
 * enc_body = AEAD(k_body, 0, h, message id (16) || sentAt int64 || text (UTF-8))
 * </pre>
 *
 * The key schedule is the Noise framework's one-way pattern X ({@code e, es, s, ss}) with the
 * recipient's prekey as its static key and an ML-KEM-768 encapsulation to the prekey mixed in after
 * {@code es}. Stateless and thread-safe; {@link PrekeyStore} must be thread-safe too.
 */
public final class SealedMessages {

    private static final Logger log = LoggerFactory.getLogger(SealedMessages.class);

    private SealedMessages() {
    }

    /**
     * Seals {@code text} from {@code sender} to the prekey of {@code to}. Draws from {@code random}, in
     * order: the ephemeral X25519 private key (32 bytes), the ML-KEM-768 message m (32 bytes).
     *
     * @param sentAt the sender's clock, milliseconds since the epoch: neither the sealing key nor the
     *        prekey may have expired by then (EXPIRED)
     * @throws SealedException TOO_LARGE for a text over 65536 UTF-8 bytes, EXPIRED, BAD_PREKEY when the
     *         prekey's X25519 key is of low order or its ML-KEM-768 key fails the modulus check
     */
    public static byte[] seal(SealingKey sender, VerifiedBundle to, UUID messageId, long sentAt, String text,
            SecureRandom random) throws SealedException {
        SignedPrekey prekey = to.prekey();
        SenderCertificate certificate = sender.certificate();
        byte[] textBytes = text.getBytes(StandardCharsets.UTF_8);
        if (textBytes.length > SealedFormat.MAX_TEXT_BYTES) {
            throw new SealedException(TOO_LARGE, "text of " + textBytes.length + " UTF-8 bytes, at most "
                    + SealedFormat.MAX_TEXT_BYTES);
        }
        if (sentAt > certificate.expiresAt()) {
            throw new SealedException(EXPIRED, "sealing key expired at " + certificate.expiresAt() + ", sentAt "
                    + sentAt);
        }
        if (sentAt > prekey.expiresAt()) {
            throw new SealedException(EXPIRED, prekey.kind() + " prekey " + prekey.id() + " expired at "
                    + prekey.expiresAt() + ", sentAt " + sentAt);
        }
        byte[] header = new Fields.Writer(SealedFormat.HEADER_LENGTH).u8(SealedFormat.VERSION).u32(prekey.id())
                .toByteArray();
        SymmetricState state = start(to.recipient(), prekey, header);
        try {
            // e, es
            KeyPair ephemeral = X25519.generate(random);
            byte[] e = X25519.raw(ephemeral.getPublic());
            state.mixHash(e);
            state.mixKey(agree(ephemeral.getPrivate(), prekey.x25519(), prekey));
            // kem: ML-KEM-768 encapsulation to the prekey
            MlKem768.Encapsulation kem;
            try {
                kem = MlKem768.encapsulate(prekey.encapsulationKey(), random);
            } catch (GeneralSecurityException ex) {
                throw new SealedException(BAD_PREKEY, prekey.kind() + " prekey " + prekey.id()
                        + ": ML-KEM-768 key refused: " + ex.getMessage());
            }
            state.mixHash(kem.ciphertext());
            state.mixKey(kem.sharedSecret());
            // s: the sender certificate, encrypted
            byte[] encCert = state.encryptWithTranscript(certificate.encode());
            state.mixHash(encCert);
            // ss: the sealing key with the prekey
            state.mixKey(agree(sender.privateKey(), prekey.x25519(), prekey));
            // payload
            byte[] body = new Fields.Writer(SealedFormat.BODY_FIXED_LENGTH + textBytes.length)
                    .int64(messageId.getMostSignificantBits()).int64(messageId.getLeastSignificantBits())
                    .int64(sentAt).raw(textBytes).toByteArray();
            byte[] encBody = state.encryptWithTranscript(body);
            return new Fields.Writer(SealedFormat.KEY_MATERIAL_LENGTH + 2 + encCert.length + encBody.length)
                    .raw(header).raw(e).raw(kem.ciphertext()).lengthPrefixed(encCert, "enc_cert").raw(encBody)
                    .toByteArray();
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("AES-256-GCM sealing failed", ex);
        } finally {
            state.destroy();
        }
    }

    private static byte[] agree(PrivateKey own, byte[] prekeyX25519, SignedPrekey prekey)
            throws SealedException {
        try {
            return X25519.agree(own, prekeyX25519);
        } catch (GeneralSecurityException ex) {
            throw new SealedException(BAD_PREKEY, prekey.kind() + " prekey " + prekey.id() + ": X25519 key refused: "
                    + ex.getMessage());
        }
    }

    /**
     * The prekey id a sealed message names, from its clear header: all a mailbox may read of it
     * (besides the recipient it was deposited for). Checks the version and the length bounds only.
     */
    public static long prekeyId(byte[] sealed) throws SealedException {
        checkLength(sealed);
        Fields.Reader r = new Fields.Reader(sealed, "sealed message");
        readVersion(r);
        return r.u32("prekey id");
    }

    /**
     * Opens a sealed message for {@code recipient}. Checks, in order: the length bounds (MALFORMED,
     * TOO_LARGE), the version (UNSUPPORTED_VERSION), the layout (MALFORMED); that the prekey is held
     * (UNKNOWN_PREKEY) and not consumed (PREKEY_CONSUMED); decrypts the sender certificate
     * (NOT_AUTHENTIC), checks its identity and signature (BAD_IDENTITY_KEY, BAD_SIGNATURE) and that
     * {@code nowMillis} is within its expiry plus {@link SealedFormat#OPEN_GRACE_MILLIS} (EXPIRED);
     * decrypts the body (NOT_AUTHENTIC), checks that sentAt is not after the certificate's expiry
     * (EXPIRED) and that the text is UTF-8 (MALFORMED); and last consumes a one-time prekey
     * (PREKEY_CONSUMED if another message consumed it meanwhile). A last-resort prekey is not
     * consumed: a copy of a message sealed to it opens again, to the same message id, and the inbox's
     * dedup by message id refuses it.
     */
    public static OpenedMessage open(Identity recipient, PrekeyStore store, byte[] sealed, long nowMillis)
            throws SealedException {
        checkLength(sealed);
        Fields.Reader r = new Fields.Reader(sealed, "sealed message");
        readVersion(r);
        long prekeyId = r.u32("prekey id");
        byte[] header = Arrays.copyOf(sealed, SealedFormat.HEADER_LENGTH);
        byte[] e = r.fixed(X25519.KEY_LENGTH, "e");
        byte[] ct = r.fixed(MlKem768.CIPHERTEXT_LENGTH, "ML-KEM-768 ciphertext");
        byte[] encCert = r.lengthPrefixed(SealedFormat.MIN_CERTIFICATE_LENGTH + SealedFormat.TAG_LENGTH,
                SealedFormat.MAX_CERTIFICATE_LENGTH + SealedFormat.TAG_LENGTH, "enc_cert");
        byte[] encBody = r.rest(SealedFormat.BODY_FIXED_LENGTH + SealedFormat.TAG_LENGTH, "enc_body");

        Prekey prekey = store.prekey(prekeyId);
        if (prekey == null) {
            if (store.consumed(prekeyId)) {
                throw new SealedException(PREKEY_CONSUMED, "one-time prekey " + prekeyId
                        + " was consumed by an earlier message");
            }
            throw new SealedException(UNKNOWN_PREKEY, "no prekey " + prekeyId + " is held");
        }
        SymmetricState state = start(recipient.publicKey(), prekey.signed(), header);
        try {
            // e, es
            state.mixHash(e);
            state.mixKey(X25519.agree(prekey.x25519(), e));
            // kem
            state.mixHash(ct);
            state.mixKey(MlKem768.decapsulate(prekey.decapsulationKey(), ct));
            // s
            byte[] certBytes = state.decryptWithTranscript(encCert);
            state.mixHash(encCert);
            SenderCertificate certificate = SenderCertificate.decode(certBytes);
            PeerKey sender = VerifiedCertificates.SHARED.sender(certBytes, certificate);
            if (nowMillis > certificate.expiresAt() + SealedFormat.OPEN_GRACE_MILLIS) {
                throw new SealedException(EXPIRED, "sealing key of " + sender.peerId() + " expired at "
                        + certificate.expiresAt() + ", more than " + SealedFormat.OPEN_GRACE_MILLIS
                        + " ms before now (" + nowMillis + ")");
            }
            // ss
            state.mixKey(X25519.agree(prekey.x25519(), certificate.sealingKey()));
            byte[] body = state.decryptWithTranscript(encBody);
            OpenedMessage opened = body(body, sender, prekey, certificate);
            if (prekey.kind() == PrekeyKind.ONE_TIME && !store.consume(prekeyId)) {
                throw new SealedException(PREKEY_CONSUMED, "one-time prekey " + prekeyId
                        + " was consumed by another message meanwhile");
            }
            return opened;
        } catch (GeneralSecurityException ex) {
            // one answer whatever failed: a wrong recipient, a wrong sender key, a flipped bit
            log.debug("sealed message on prekey {} did not open: {}", prekeyId, ex.getMessage());
            throw new SealedException(NOT_AUTHENTIC, "sealed message on prekey " + prekeyId + " is not authentic");
        } finally {
            state.destroy();
        }
    }

    /** h, ck from the protocol name; then MixHash(recipient peerId), MixHash(prekey body), MixHash(header). */
    private static SymmetricState start(PeerKey recipient, SignedPrekey prekey, byte[] header) {
        SymmetricState state = new SymmetricState(SealedFormat.PROTOCOL_NAME);
        state.mixHash(IdentityKeys.peerIdBytes(recipient));
        state.mixHash(prekey.body());
        state.mixHash(header);
        return state;
    }

    private static OpenedMessage body(byte[] body, PeerKey sender, Prekey prekey, SenderCertificate certificate)
            throws SealedException {
        ByteBuffer b = ByteBuffer.wrap(body);
        if (b.remaining() < SealedFormat.BODY_FIXED_LENGTH) {
            throw new SealedException(MALFORMED, "sealed body of " + body.length + " bytes, at least "
                    + SealedFormat.BODY_FIXED_LENGTH);
        }
        UUID messageId = new UUID(b.getLong(), b.getLong());
        long sentAt = b.getLong();
        if (sentAt > certificate.expiresAt()) {
            throw new SealedException(EXPIRED, "message " + messageId + " sent at " + sentAt
                    + ", after its sealing key expired at " + certificate.expiresAt());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b).toString();
        } catch (CharacterCodingException ex) {
            throw new SealedException(MALFORMED, "message " + messageId + ": text is not UTF-8");
        }
        return new OpenedMessage(sender, prekey.id(), prekey.kind(), messageId, sentAt, text);
    }

    private static void checkLength(byte[] sealed) throws SealedException {
        if (sealed.length > SealedFormat.MAX_SEALED_LENGTH) {
            throw new SealedException(TOO_LARGE, "sealed message of " + sealed.length + " bytes, at most "
                    + SealedFormat.MAX_SEALED_LENGTH);
        }
        if (sealed.length < SealedFormat.MIN_SEALED_LENGTH) {
            throw new SealedException(MALFORMED, "sealed message of " + sealed.length + " bytes, at least "
                    + SealedFormat.MIN_SEALED_LENGTH);
        }
    }

    private static void readVersion(Fields.Reader r) throws SealedException {
        int version = r.u8("version");
        if (version != SealedFormat.VERSION) {
            throw new SealedException(UNSUPPORTED_VERSION, "sealed message version " + version + ", only "
                    + SealedFormat.VERSION + " is known");
        }
    }
}
