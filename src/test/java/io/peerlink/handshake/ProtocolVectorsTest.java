package io.peerlink.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.crypto.AesGcm;
import io.peerlink.crypto.FixedSecureRandom;
import io.peerlink.crypto.Hkdf;
import io.peerlink.crypto.MlKem768;
import io.peerlink.identity.Identity;
import io.peerlink.wire.Frame;
import io.peerlink.wire.FrameCodec;
import io.peerlink.wire.Limits;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.RecordWriter;
import io.peerlink.wire.WireConstants;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
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
 * Reproduces the test vectors of docs/PROTOCOL.md byte for byte: one complete handshake with fixed
 * identities and the documented random streams, then two transport records. The key schedule is
 * also recomputed here independently of {@link Handshake}, straight from the spec's formulas, and
 * both must agree.
 *
 * <p>Run with {@code -Dpeerlink.vectors.write=true} to rewrite the block after a deliberate protocol
 * change (then review the diff of PROTOCOL.md).
 */
class ProtocolVectorsTest {

    static final Path DOC = Path.of("docs/PROTOCOL.md");
    static final String BEGIN = "<!-- test-vectors:begin -->\n```text\n";
    static final String END = "```\n<!-- test-vectors:end -->";
    static final HexFormat HEX = HexFormat.of();

    @Test
    void reproducesTheDocumentedHandshakeAndRecordsByteForByte() throws Exception {
        String doc = Files.readString(DOC);
        int from = doc.indexOf(BEGIN);
        int to = doc.indexOf(END);
        assertThat(from).as("test-vector block in PROTOCOL.md").isPositive();
        String documented = doc.substring(from + BEGIN.length(), to);
        Map<String, String> inputs = parse(documented);

        String computed = format(compute(inputs.get("server.identity.pkcs8"), inputs.get("client.identity.pkcs8")));

        if (Boolean.getBoolean("peerlink.vectors.write")) {
            Files.writeString(DOC, doc.substring(0, from + BEGIN.length()) + computed + doc.substring(to));
            documented = computed;
        }
        assertThat(documented).isEqualTo(computed);
    }

    static Map<String, String> compute(String serverPkcs8, String clientPkcs8) throws Exception {
        Identity server = identity(serverPkcs8);
        Identity client = identity(clientPkcs8);
        Map<String, String> v = new LinkedHashMap<>();
        v.put("# inputs: identity keys (PKCS#8 DER)", null);
        v.put("server.identity.pkcs8", serverPkcs8);
        v.put("client.identity.pkcs8", clientPkcs8);

        StreamRandom serverRandom = new StreamRandom("peerlink test vector server");
        StreamRandom clientRandom = new StreamRandom("peerlink test vector client");
        Handshake s = new Handshake(Handshake.Role.SERVER, server, serverRandom);
        Handshake c = new Handshake(Handshake.Role.CLIENT, client, clientRandom);

        v.put("# handshake frames and the transcript hash h after each", null);
        byte[] h0 = c.transcriptHash();
        v.put("h0", HEX.formatHex(h0));
        RawFrame sh = s.createServerHello();
        c.consumeServerHello(sh);
        v.put("server_hello", HEX.formatHex(sh.bytes()));
        byte[] h1 = same(s.transcriptHash(), c.transcriptHash());
        v.put("h1", HEX.formatHex(h1));
        RawFrame ch = c.createClientHello();
        s.consumeClientHello(ch);
        v.put("client_hello", HEX.formatHex(ch.bytes()));
        byte[] h2 = same(s.transcriptHash(), c.transcriptHash());
        v.put("h2", HEX.formatHex(h2));
        RawFrame sf = s.createServerFinish();
        c.consumeServerFinish(sf);
        v.put("server_finish", HEX.formatHex(sf.bytes()));
        byte[] h3 = same(s.transcriptHash(), c.transcriptHash());
        v.put("h3", HEX.formatHex(h3));
        RawFrame cf = c.createClientFinish();
        s.consumeClientFinish(cf);
        v.put("client_finish", HEX.formatHex(cf.bytes()));
        byte[] h4 = same(s.transcriptHash(), c.transcriptHash());
        v.put("h4", HEX.formatHex(h4));
        Session serverSession = s.split();
        Session clientSession = c.split();

        // what each draw from the two streams was for (the order is part of the vectors)
        List<byte[]> sd = serverRandom.draws();
        List<byte[]> cd = clientRandom.draws();
        assertThat(sd).extracting(d -> d.length).containsExactly(32, 32, 32, 32, 32, 32, 32);
        assertThat(cd).extracting(d -> d.length).containsExactly(32, 32, 32, 32, 32);
        byte[] serverScalar = sd.get(0);
        byte[] clientScalar = cd.get(0);
        byte[] s1 = cd.get(2);
        byte[] s2 = sd.get(5);
        v.put("# draws from the server's stream, in order", null);
        v.put("server.x25519.private", HEX.formatHex(serverScalar));
        v.put("server.mlkem.d", HEX.formatHex(sd.get(1)));
        v.put("server.mlkem.z", HEX.formatHex(sd.get(2)));
        v.put("server.nonce", HEX.formatHex(sd.get(3)));
        v.put("server.oaep_reject_substitute", HEX.formatHex(sd.get(4)));
        v.put("server.s2", HEX.formatHex(s2));
        v.put("server.oaep_seed", HEX.formatHex(sd.get(6)));
        v.put("# draws from the client's stream, in order", null);
        v.put("client.x25519.private", HEX.formatHex(clientScalar));
        v.put("client.mlkem.m", HEX.formatHex(cd.get(1)));
        v.put("client.s1", HEX.formatHex(s1));
        v.put("client.oaep_seed", HEX.formatHex(cd.get(3)));
        v.put("client.oaep_reject_substitute", HEX.formatHex(cd.get(4)));

        // the key schedule, recomputed from the spec alone
        byte[] serverPublic = x25519(serverScalar, basePoint());
        byte[] dh = x25519(clientScalar, serverPublic);
        KeyPair kem = MlKem768.generate(new FixedSecureRandom(sd.get(1), sd.get(2)));
        MlKem768.Encapsulation enc = MlKem768.encapsulate(MlKem768.raw(kem.getPublic()),
                new FixedSecureRandom(cd.get(1)));
        assertThat(HEX.formatHex(sh.bytes())).contains(HEX.formatHex(serverPublic));
        assertThat(HEX.formatHex(ch.bytes())).contains(HEX.formatHex(enc.ciphertext()));
        byte[] ck = h0.clone();
        byte[][] step = mixKey(ck, dh.clone());
        step = mixKey(step[0], enc.sharedSecret().clone());
        step = mixKey(step[0], s1.clone());
        byte[] k1 = step[1];
        step = mixKey(step[0], s2.clone());
        byte[] k2 = step[1];
        byte[] ckFinal = step[0];
        byte[] c2s = Hkdf.extractAndExpand(ckFinal, h4, ascii("peerlink v1 client to server"), 32);
        byte[] s2c = Hkdf.extractAndExpand(ckFinal, h4, ascii("peerlink v1 server to client"), 32);
        v.put("# key schedule", null);
        v.put("x25519.shared", HEX.formatHex(dh));
        v.put("mlkem.shared", HEX.formatHex(enc.sharedSecret()));
        v.put("k1", HEX.formatHex(k1));
        v.put("k2", HEX.formatHex(k2));
        v.put("ck", HEX.formatHex(ckFinal));
        v.put("traffic.client_to_server", HEX.formatHex(c2s));
        v.put("traffic.server_to_client", HEX.formatHex(s2c));

        // the encrypted client identity in CLIENT_HELLO opens under k1, counter 0, AD h1
        byte[] identityField = Arrays.copyOfRange(ch.bytes(), ch.bytes().length
                - (client.publicKey().spki().length + AesGcm.TAG_LENGTH), ch.bytes().length);
        assertThat(new AesGcm(k1).open(0, h1, identityField)).isEqualTo(client.publicKey().spki());

        v.put("# two records: MESSAGE client to server, then ACK server to client (counter 0 each)", null);
        Frame.Message message = new Frame.Message(UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"),
                1_764_000_000_000L, "hello, peerlink");
        byte[] r1 = record(clientSession, message);
        byte[] r2 = record(serverSession, new Frame.Ack(message.id()));
        v.put("record.client_to_server", HEX.formatHex(r1));
        v.put("record.server_to_client", HEX.formatHex(r2));
        assertThat(openRecord(c2s, r1)).isEqualTo(FrameCodec.encode(message));
        assertThat(openRecord(s2c, r2)).isEqualTo(FrameCodec.encode(new Frame.Ack(message.id())));
        return v;
    }

    static byte[] record(Session session, Frame frame) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new RecordWriter(out, session.sendCipher(), Limits.DEFAULTS).write(frame);
        return out.toByteArray();
    }

    static byte[] openRecord(byte[] key, byte[] record) throws Exception {
        byte[] header = Arrays.copyOf(record, WireConstants.HEADER_LENGTH);
        byte[] body = Arrays.copyOfRange(record, WireConstants.HEADER_LENGTH, record.length);
        return new AesGcm(key).open(0, header, body);
    }

    /** {@code ck, k = HKDF(salt = ck, ikm, info = "", 64)}. */
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

    static Identity identity(String pkcs8Hex) throws Exception {
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        var priv = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(HEX.parseHex(pkcs8Hex)));
        var pub = rsa.generatePublic(new RSAPublicKeySpec(priv.getModulus(), priv.getPublicExponent()));
        return new Identity(new KeyPair(pub, priv));
    }

    static byte[] same(byte[] a, byte[] b) {
        assertThat(a).isEqualTo(b);
        return a;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code name = hex}, long values wrapped at 64 hex digits on lines indented by two spaces. */
    static String format(Map<String, String> values) {
        StringBuilder b = new StringBuilder();
        values.forEach((name, hex) -> {
            if (hex == null) {
                b.append('\n').append(name).append('\n');
                return;
            }
            if (hex.length() <= 64) {
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

    static Map<String, String> parse(String block) {
        Map<String, String> values = new LinkedHashMap<>();
        String current = null;
        for (String line : block.split("\n")) {
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
