package io.peerlink.sealed;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.crypto.AesGcm;
import io.peerlink.crypto.FixedSecureRandom;
import io.peerlink.crypto.Hkdf;
import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.RsaPss;
import io.peerlink.handshake.StreamRandom;
import io.peerlink.identity.Identity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.XECPrivateKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;

/**
 * Reproduces the sealed-message vectors of docs/PROTOCOL.md ("Sealed messages and prekeys") byte for
 * byte: one signed prekey and its bundle, one sender certificate, one sealed message, from the two
 * identities of the handshake vectors and two documented random streams. The key schedule is
 * recomputed here from the spec's formulas, independently of {@link SealedMessages}, and both must
 * agree; then the recipient opens the message.
 *
 * <p>Run with {@code -Dpeerlink.vectors.write=true} to rewrite the block after a deliberate format
 * change (then review the diff of PROTOCOL.md).
 */
class SealedVectorsTest {

    static final Path DOC = Path.of("docs/PROTOCOL.md");
    static final String HANDSHAKE_BEGIN = "<!-- test-vectors:begin -->\n```text\n";
    static final String BEGIN = "<!-- sealed-vectors:begin -->\n```text\n";
    static final String END = "```\n<!-- sealed-vectors:end -->";
    static final HexFormat HEX = HexFormat.of();

    static final long PREKEY_ID = 42;
    static final long PREKEY_EXPIRES_AT = 1_764_604_800_000L;
    static final long SEALING_KEY_EXPIRES_AT = 1_764_604_800_000L;
    static final UUID MESSAGE_ID = UUID.fromString("00112233-4455-6677-8899-aabbccddee01");
    static final long SENT_AT = 1_764_000_000_000L;
    static final String TEXT = "sealed while you were away";

    @Test
    void reproducesTheDocumentedPrekeyBundleAndSealedMessageByteForByte() throws Exception {
        String doc = Files.readString(DOC);
        Map<String, String> handshake = parse(doc.substring(doc.indexOf(HANDSHAKE_BEGIN) + HANDSHAKE_BEGIN.length()));
        int from = doc.indexOf(BEGIN);
        int to = doc.indexOf(END);
        assertThat(from).as("sealed-vector block in PROTOCOL.md").isPositive();
        String documented = doc.substring(from + BEGIN.length(), to);

        String computed = format(compute(identity(handshake.get("server.identity.pkcs8")),
                identity(handshake.get("client.identity.pkcs8"))));

        if (Boolean.getBoolean("peerlink.vectors.write")) {
            Files.writeString(DOC, doc.substring(0, from + BEGIN.length()) + computed + doc.substring(to));
            documented = computed;
        }
        assertThat(documented).isEqualTo(computed);
    }

    static Map<String, String> compute(Identity recipient, Identity sender) throws Exception {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("# inputs: the identities of section 11 (recipient = its server, sender = its client)", null);
        v.put("recipient.peer_id", recipient.peerId());
        v.put("sender.peer_id", sender.peerId());
        v.put("prekey.kind", "01");
        v.put("prekey.id", String.format(java.util.Locale.ROOT, "%08x", PREKEY_ID));
        v.put("prekey.expires_at", Long.toString(PREKEY_EXPIRES_AT));
        v.put("sealing_key.expires_at", Long.toString(SEALING_KEY_EXPIRES_AT));
        v.put("message.id", MESSAGE_ID.toString());
        v.put("message.sent_at", Long.toString(SENT_AT));
        v.put("message.text", '"' + TEXT + '"');

        StreamRandom recipientRandom = new StreamRandom("peerlink sealed vector recipient");
        StreamRandom senderRandom = new StreamRandom("peerlink sealed vector sender");
        Prekey prekey = Prekey.generate(recipient, PrekeyKind.ONE_TIME, PREKEY_ID, PREKEY_EXPIRES_AT, recipientRandom);
        SealingKey sealingKey = SealingKey.generate(sender, SEALING_KEY_EXPIRES_AT, senderRandom);
        byte[] bundleBytes = new PrekeyBundle(recipient.publicKey().spki(), prekey.signed()).encode();
        VerifiedBundle bundle = PrekeyBundle.decode(bundleBytes).verify(recipient.peerId(), SENT_AT);
        byte[] sealed = SealedMessages.seal(sealingKey, bundle, MESSAGE_ID, SENT_AT, TEXT, senderRandom);

        List<byte[]> rd = recipientRandom.draws();
        List<byte[]> sd = senderRandom.draws();
        assertThat(rd).extracting(d -> d.length).containsExactly(32, 32, 32, 32);
        assertThat(sd).extracting(d -> d.length).containsExactly(32, 32, 32, 32);
        v.put("# draws from the recipient's stream, in order", null);
        v.put("prekey.x25519.private", HEX.formatHex(rd.get(0)));
        v.put("prekey.mlkem.d", HEX.formatHex(rd.get(1)));
        v.put("prekey.mlkem.z", HEX.formatHex(rd.get(2)));
        v.put("prekey.pss_salt", HEX.formatHex(rd.get(3)));
        v.put("# draws from the sender's stream, in order", null);
        v.put("sealing_key.x25519.private", HEX.formatHex(sd.get(0)));
        v.put("sealing_key.pss_salt", HEX.formatHex(sd.get(1)));
        v.put("seal.e.private", HEX.formatHex(sd.get(2)));
        v.put("seal.mlkem.m", HEX.formatHex(sd.get(3)));

        // the prekey and the bundle, rebuilt from the spec's layout
        byte[] prekeyPublic = x25519(rd.get(0), basePoint());
        KeyPair kem = MlKem768.generate(new FixedSecureRandom(rd.get(1), rd.get(2)));
        byte[] ek = MlKem768.raw(kem.getPublic());
        byte[] prekeyBody = concat(new byte[] {1}, u32(PREKEY_ID), int64(PREKEY_EXPIRES_AT), prekeyPublic, ek);
        assertThat(prekeyBody).hasSize(1229);
        byte[] prekeySigned = concat(ascii("peerlink v1 prekey"), HEX.parseHex(recipient.peerId()), prekeyBody);
        byte[] prekeySignature = prekey.signed().signature();
        assertThat(RsaPss.verify(recipient.publicKey().key(), prekeySigned, prekeySignature)).isTrue();
        byte[] signedPrekey = concat(prekeyBody, u16(prekeySignature.length), prekeySignature);
        byte[] spkiR = recipient.publicKey().spki();
        assertThat(bundleBytes).isEqualTo(concat(new byte[] {1}, u16(spkiR.length), spkiR, signedPrekey));
        v.put("# the signed prekey (a mailbox stores and hands out these bytes) and the bundle", null);
        v.put("prekey.x25519.public", HEX.formatHex(prekeyPublic));
        v.put("prekey.signature", HEX.formatHex(prekeySignature));
        v.put("signed_prekey", HEX.formatHex(signedPrekey));
        v.put("prekey_bundle", HEX.formatHex(bundleBytes));

        // the sender certificate
        byte[] sealingPublic = x25519(sd.get(0), basePoint());
        byte[] certSigned = concat(ascii("peerlink v1 sealing key"), HEX.parseHex(sender.peerId()), sealingPublic,
                int64(SEALING_KEY_EXPIRES_AT));
        byte[] certSignature = sealingKey.certificate().signature();
        assertThat(RsaPss.verify(sender.publicKey().key(), certSigned, certSignature)).isTrue();
        byte[] spkiS = sender.publicKey().spki();
        byte[] certificate = concat(u16(spkiS.length), spkiS, sealingPublic, int64(SEALING_KEY_EXPIRES_AT),
                u16(certSignature.length), certSignature);
        assertThat(sealingKey.certificate().encode()).isEqualTo(certificate);
        v.put("# the sender certificate", null);
        v.put("sealing_key.x25519.public", HEX.formatHex(sealingPublic));
        v.put("sender_certificate", HEX.formatHex(certificate));

        // the key schedule, from the spec alone
        byte[] header = concat(new byte[] {1}, u32(PREKEY_ID));
        byte[] e = x25519(sd.get(2), basePoint());
        MlKem768.Encapsulation enc = MlKem768.encapsulate(ek, new FixedSecureRandom(sd.get(3)));
        byte[] h = sha256(ascii(SealedFormat.PROTOCOL_NAME));
        byte[] ck = h.clone();
        v.put("# key schedule, step by step", null);
        v.put("h0", HEX.formatHex(h));
        h = sha256(h, HEX.parseHex(recipient.peerId()));
        h = sha256(h, prekeyBody);
        h = sha256(h, header);
        v.put("h_p", HEX.formatHex(h));
        h = sha256(h, e);
        byte[] es = x25519(sd.get(2), prekeyPublic);
        assertThat(x25519(rd.get(0), e)).isEqualTo(es);
        byte[][] step = mixKey(ck, es);
        ck = step[0];
        v.put("seal.e.public", HEX.formatHex(e));
        v.put("es", HEX.formatHex(es));
        v.put("ck1", HEX.formatHex(ck));
        h = sha256(h, enc.ciphertext());
        v.put("h_ct", HEX.formatHex(h));
        step = mixKey(ck, enc.sharedSecret());
        ck = step[0];
        byte[] kCert = step[1];
        v.put("mlkem.shared", HEX.formatHex(enc.sharedSecret()));
        v.put("ck2", HEX.formatHex(ck));
        v.put("k_cert", HEX.formatHex(kCert));
        byte[] encCert = new AesGcm(kCert).seal(0, h, certificate);
        h = sha256(h, encCert);
        v.put("h_cert", HEX.formatHex(h));
        byte[] ss = x25519(sd.get(0), prekeyPublic);
        assertThat(x25519(rd.get(0), sealingPublic)).isEqualTo(ss);
        step = mixKey(ck, ss);
        byte[] kBody = step[1];
        v.put("ss", HEX.formatHex(ss));
        v.put("ck3", HEX.formatHex(step[0]));
        v.put("k_body", HEX.formatHex(kBody));
        byte[] body = concat(int64(MESSAGE_ID.getMostSignificantBits()), int64(MESSAGE_ID.getLeastSignificantBits()),
                int64(SENT_AT), TEXT.getBytes(StandardCharsets.UTF_8));
        byte[] encBody = new AesGcm(kBody).seal(0, h, body);
        byte[] expected = concat(header, e, enc.ciphertext(), u16(encCert.length), encCert, encBody);
        assertThat(sealed).isEqualTo(expected);
        v.put("# the sealed message: header, e, ct, u16 len, enc_cert, enc_body", null);
        v.put("sealed.length", Integer.toString(sealed.length));
        v.put("sealed", HEX.formatHex(sealed));

        // and the recipient opens it, consuming the prekey
        MemoryPrekeyStore store = new MemoryPrekeyStore().add(prekey);
        OpenedMessage opened = SealedMessages.open(recipient, store, sealed, SENT_AT);
        assertThat(opened.sender()).isEqualTo(sender.publicKey());
        assertThat(opened.messageId()).isEqualTo(MESSAGE_ID);
        assertThat(opened.sentAt()).isEqualTo(SENT_AT);
        assertThat(opened.text()).isEqualTo(TEXT);
        assertThat(store.consumed(PREKEY_ID)).isTrue();
        return v;
    }

    static byte[][] mixKey(byte[] ck, byte[] ikm) {
        byte[] out = Hkdf.extractAndExpand(ck, ikm, new byte[0], 64);
        return new byte[][] {Arrays.copyOf(out, 32), Arrays.copyOfRange(out, 32, 64)};
    }

    static byte[] basePoint() {
        byte[] u = new byte[32];
        u[0] = 9;
        return u;
    }

    static byte[] x25519(byte[] scalar, byte[] u) throws Exception {
        PrivateKey key = KeyFactory.getInstance("X25519")
                .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
        KeyAgreement ka = KeyAgreement.getInstance("X25519");
        ka.init(key);
        ka.doPhase(io.peerlink.crypto.X25519.publicKey(u), true);
        return ka.generateSecret();
    }

    static byte[] sha256(byte[]... parts) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (byte[] p : parts) {
            digest.update(p);
        }
        return digest.digest();
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    static byte[] u32(long v) {
        return ByteBuffer.allocate(4).putInt((int) v).array();
    }

    static byte[] int64(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static byte[] concat(byte[]... parts) {
        int total = 0;
        for (byte[] p : parts) {
            total += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(total);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static Identity identity(String pkcs8Hex) throws Exception {
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        var priv = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(HEX.parseHex(pkcs8Hex)));
        var pub = rsa.generatePublic(new RSAPublicKeySpec(priv.getModulus(), priv.getPublicExponent()));
        return new Identity(new KeyPair(pub, priv));
    }

    /** As section 11's block: {@code name = hex}, long values wrapped at 64 digits, quoted text on one line. */
    static String format(Map<String, String> values) {
        StringBuilder b = new StringBuilder();
        values.forEach((name, hex) -> {
            if (hex == null) {
                b.append('\n').append(name).append('\n');
                return;
            }
            if (hex.length() <= 64 || hex.startsWith("\"")) {
                b.append(name).append(" = ").append(hex).append('\n');
                return;
            }
            b.append(name).append(" =\n");
            for (int i = 0; i < hex.length(); i += 64) {
                b.append("  ").append(hex, i, Math.min(hex.length(), i + 64)).append('\n');
            }
        });
        return b.substring(1);
    }

    /** The values of a block up to its closing fence. */
    static Map<String, String> parse(String block) {
        Map<String, String> values = new LinkedHashMap<>();
        String current = null;
        for (String line : block.substring(0, block.indexOf("```")).split("\n")) {
            if (line.startsWith("  ") && current != null) {
                values.merge(current, line.strip(), String::concat);
            } else if (line.contains(" =")) {
                current = line.substring(0, line.indexOf(" =")).strip();
                values.put(current, line.substring(line.indexOf(" =") + 2).strip());
            } else {
                current = null;
            }
        }
        return values;
    }
}
