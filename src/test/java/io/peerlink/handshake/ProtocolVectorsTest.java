package io.peerlink.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.crypto.AesGcm;
import io.peerlink.crypto.FixedSecureRandom;
import io.peerlink.crypto.Hkdf;
import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.RsaOaep;
import io.peerlink.identity.Fingerprints;
import io.peerlink.identity.Identity;
import io.peerlink.wire.Frame;
import io.peerlink.wire.FrameCodec;
import io.peerlink.wire.Limits;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.RecordReader;
import io.peerlink.wire.RecordWriter;
import io.peerlink.wire.WireConstants;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
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
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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

        // section 3, recomputed from the spec and compared with the production code
        v.put("# names of the two identities (section 3)", null);
        for (var named : List.of(Map.entry("server", server), Map.entry("client", client))) {
            byte[] spki = named.getValue().publicKey().spki();
            String peerId = HEX.formatHex(sha("SHA-256", spki));
            String fingerprint = String.join(" ", peerId.split("(?<=\\G.{4})"));
            assertThat(named.getValue().peerId()).isEqualTo(peerId);
            assertThat(Fingerprints.fingerprint(peerId)).isEqualTo(fingerprint);
            v.put(named.getKey() + ".peer_id", peerId);
            v.put(named.getKey() + ".fingerprint", quoted(fingerprint));
        }
        String safetyNumber = safetyNumber(server.publicKey().spki(), client.publicKey().spki());
        assertThat(Fingerprints.safetyNumber(server.publicKey(), client.publicKey())).isEqualTo(safetyNumber);
        assertThat(Fingerprints.safetyNumber(client.publicKey(), server.publicKey())).isEqualTo(safetyNumber);
        v.put("safety_number", quoted(safetyNumber));
        // the safety number's QR payload: digits without spaces, then the two peerIds ordered as strings
        String lowerId = server.peerId().compareTo(client.peerId()) < 0 ? server.peerId() : client.peerId();
        String higherId = lowerId.equals(server.peerId()) ? client.peerId() : server.peerId();
        String payload = "peerlink-safety:1:" + safetyNumber.replace(" ", "") + ":" + lowerId + ":" + higherId;
        assertThat(Fingerprints.safetyNumberPayload(server.publicKey(), client.publicKey())).isEqualTo(payload);
        assertThat(Fingerprints.safetyNumberPayload(client.publicKey(), server.publicKey())).isEqualTo(payload);
        v.put("safety_number_payload", quoted(payload));

        StreamRandom serverRandom = new StreamRandom("peerlink test vector server");
        StreamRandom clientRandom = new StreamRandom("peerlink test vector client");
        Handshake s = new Handshake(Handshake.Role.SERVER, server, serverRandom, WireConstants.VERSION_1);
        Handshake c = new Handshake(Handshake.Role.CLIENT, client, clientRandom, WireConstants.VERSION_1);

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
        RawFrame sfFrame = s.createServerFinish();
        c.consumeServerFinish(sfFrame);
        v.put("server_finish", HEX.formatHex(sfFrame.bytes()));
        byte[] h3 = same(s.transcriptHash(), c.transcriptHash());
        v.put("h3", HEX.formatHex(h3));
        RawFrame cfFrame = c.createClientFinish();
        s.consumeClientFinish(cfFrame);
        v.put("client_finish", HEX.formatHex(cfFrame.bytes()));
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
        byte[] ck0 = h0.clone();
        byte[] ck1 = mixKey(ck0, dh.clone())[0];
        byte[] ck2 = mixKey(ck1, enc.sharedSecret().clone())[0];
        byte[][] step4 = mixKey(ck2, s1.clone());
        byte[] ck3 = step4[0];
        byte[] k1 = step4[1];
        byte[][] step8 = mixKey(ck3, s2.clone());
        byte[] ck4 = step8[0];
        byte[] k2 = step8[1];

        // section 5.3: sealed_c2 (without its u16 length prefix) opens under k1, counter 1, AD h2, to c2
        byte[] sf = sfFrame.body();
        int sealedLength = ((sf[0] & 0xFF) << 8) | (sf[1] & 0xFF);
        byte[] sealedC2 = Arrays.copyOfRange(sf, 2, 2 + sealedLength);
        byte[] sealedMacS = Arrays.copyOfRange(sf, 2 + sealedLength, sf.length);
        byte[] c2 = new AesGcm(k1).open(1, h2, sealedC2);
        assertThat(RsaOaep.decrypt(client.privateKey(), c2)).isEqualTo(s2);
        // step 9: K_S, MAC_S over h2 || sealed_c2; sealed_mac opens under k2, counter 0, AD h2
        byte[] kS = Hkdf.extractAndExpand(ck4, new byte[0], ascii("peerlink v1 server finished"), 32);
        byte[] macS = hmac(kS, concat(h2, sealedC2));
        assertThat(new AesGcm(k2).open(0, h2, sealedMacS)).isEqualTo(macS);
        // step 11: K_C, MAC_C over h3; the CLIENT_FINISH body opens under k2, counter 1, AD h3
        byte[] kC = Hkdf.extractAndExpand(ck4, new byte[0], ascii("peerlink v1 client finished"), 32);
        byte[] macC = hmac(kC, h3);
        assertThat(new AesGcm(k2).open(1, h3, cfFrame.body())).isEqualTo(macC);
        // step 13: Split
        byte[] c2s = Hkdf.extractAndExpand(ck4, h4, ascii("peerlink v1 client to server"), 32);
        byte[] s2c = Hkdf.extractAndExpand(ck4, h4, ascii("peerlink v1 server to client"), 32);
        v.put("# key schedule (section 6), step by step", null);
        v.put("x25519.shared", HEX.formatHex(dh));
        v.put("mlkem.shared", HEX.formatHex(enc.sharedSecret()));
        v.put("ck1", HEX.formatHex(ck1));
        v.put("ck2", HEX.formatHex(ck2));
        v.put("ck3", HEX.formatHex(ck3));
        v.put("k1", HEX.formatHex(k1));
        v.put("ck4", HEX.formatHex(ck4));
        v.put("k2", HEX.formatHex(k2));
        v.put("K_S", HEX.formatHex(kS));
        v.put("MAC_S", HEX.formatHex(macS));
        v.put("K_C", HEX.formatHex(kC));
        v.put("MAC_C", HEX.formatHex(macC));
        v.put("traffic.client_to_server", HEX.formatHex(c2s));
        v.put("traffic.server_to_client", HEX.formatHex(s2c));

        // step 5: the encrypted client identity in CLIENT_HELLO opens under k1, counter 0, AD h1
        byte[] identityField = Arrays.copyOfRange(ch.bytes(), ch.bytes().length
                - (client.publicKey().spki().length + AesGcm.TAG_LENGTH), ch.bytes().length);
        assertThat(new AesGcm(k1).open(0, h1, identityField)).isEqualTo(client.publicKey().spki());

        v.put("# two records: MESSAGE client to server, then ACK server to client (counter 0 each)", null);
        Frame.Message message = new Frame.Message(UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"),
                1_764_000_000_000L, "hello, peerlink");
        // the client updates its key after every record (key-update-after-frames = 1), for the vectors below
        ByteArrayOutputStream clientWire = new ByteArrayOutputStream();
        RecordWriter clientWriter = new RecordWriter(clientWire, clientSession.sendCipher(), EVERY_RECORD);
        byte[] r1 = write(clientWriter, clientWire, message);
        ByteArrayOutputStream serverWire = new ByteArrayOutputStream();
        byte[] r2 = write(new RecordWriter(serverWire, serverSession.sendCipher(), Limits.DEFAULTS), serverWire,
                new Frame.Ack(message.id()));
        v.put("record.client_to_server", HEX.formatHex(r1));
        v.put("record.server_to_client", HEX.formatHex(r2));
        assertThat(openRecord(c2s, 0, r1)).isEqualTo(FrameCodec.encode(message));
        assertThat(openRecord(s2c, 0, r2)).isEqualTo(FrameCodec.encode(new Frame.Ack(message.id())));

        v.put("# key update (section 7): the client's next frame, with key-update-after-frames = 1", null);
        Frame.Message second = new Frame.Message(UUID.fromString("00112233-4455-6677-8899-aabbccddef00"),
                1_764_000_000_001L, "after the key update");
        byte[] both = write(clientWriter, clientWire, second);
        int keyUpdateLength = WireConstants.HEADER_LENGTH + WireConstants.MIN_RECORD_LENGTH;
        byte[] keyUpdate = Arrays.copyOf(both, keyUpdateLength);
        byte[] after = Arrays.copyOfRange(both, keyUpdateLength, both.length);
        byte[] c2sUpdated = Hkdf.expand(c2s, ascii("peerlink v1 key update"), 32);
        assertThat(openRecord(c2s, 1, keyUpdate)).containsExactly(WireConstants.INNER_KEY_UPDATE);
        assertThat(openRecord(c2sUpdated, 2, after)).isEqualTo(FrameCodec.encode(second));
        v.put("record.client_to_server.key_update", HEX.formatHex(keyUpdate));
        v.put("traffic.client_to_server.updated", HEX.formatHex(c2sUpdated));
        v.put("record.client_to_server.after_update", HEX.formatHex(after));
        // and the server's record reader follows: both messages, the KEY_UPDATE consumed on the way
        RecordReader serverReader = new RecordReader(new ByteArrayInputStream(concat(r1, both)),
                serverSession.receiveCipher(), Limits.DEFAULTS);
        assertThat(serverReader.read()).isEqualTo(message);
        assertThat(serverReader.read()).isEqualTo(second);
        assertThat(serverReader.read()).isNull();
        assertThat(serverReader.recordsReceived()).isEqualTo(3);
        relayExchange(v, server.peerId());
        return v;
    }

    /**
     * Section 12's example exchange: the plaintexts of the relay's control frames (inner types of
     * version 2, sealed in records like any other) and the JOIN frame, laid out here from the spec's
     * diagrams and compared with the codec's output; each decodes back to its frame.
     */
    static void relayExchange(Map<String, String> v, String targetPeerId) throws Exception {
        v.put("# relay (section 12): plaintexts of the control frames, then the JOIN frame in clear", null);
        UUID id = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
        byte[] idBytes = HEX.parseHex("00112233445566778899aabbccddeeff");
        byte[] diallerSecret = sha("SHA-256", ascii("peerlink test vector dialler secret"));
        byte[] reservedSecret = sha("SHA-256", ascii("peerlink test vector reserved secret"));
        List<Map.Entry<String, Map.Entry<Frame, byte[]>>> frames = List.of(
                Map.entry("relay.reserve", Map.entry(new Frame.Reserve(), HEX.parseHex("10"))),
                Map.entry("relay.reserve_ok", Map.entry(new Frame.ReserveOk(3600), HEX.parseHex("1100000e10"))),
                Map.entry("relay.circuit_request", Map.entry(new Frame.CircuitRequest(id, targetPeerId),
                        concat(concat(HEX.parseHex("12"), idBytes), HEX.parseHex(targetPeerId)))),
                Map.entry("relay.circuit_ready", Map.entry(new Frame.CircuitReady(id, diallerSecret),
                        concat(concat(HEX.parseHex("13"), idBytes), diallerSecret))),
                Map.entry("relay.incoming_circuit", Map.entry(new Frame.IncomingCircuit(id, reservedSecret),
                        concat(concat(HEX.parseHex("14"), idBytes), reservedSecret))),
                Map.entry("relay.refused", Map.entry(new Frame.RelayRefused(WireConstants.INNER_CIRCUIT_REQUEST, id,
                        io.peerlink.wire.RelayRefusal.NO_RESERVATION),
                        concat(concat(HEX.parseHex("1512"), idBytes), HEX.parseHex("0004")))));
        for (var f : frames) {
            byte[] encoded = FrameCodec.encode(f.getValue().getKey());
            assertThat(encoded).as(f.getKey()).isEqualTo(f.getValue().getValue());
            Frame decoded = FrameCodec.decode(encoded, Limits.DEFAULTS, WireConstants.VERSION_2);
            assertThat(FrameCodec.encode(decoded)).as(f.getKey()).isEqualTo(encoded);
            v.put(f.getKey(), HEX.formatHex(encoded));
        }
        byte[] join = concat(concat(HEX.parseHex("0000003010"), idBytes), reservedSecret);
        assertThat(RawFrame.of(WireConstants.TYPE_JOIN, concat(idBytes, reservedSecret)).bytes()).isEqualTo(join);
        v.put("relay.join.reserved", HEX.formatHex(join));
    }

    static final Limits EVERY_RECORD = new Limits(Limits.DEFAULT_MAX_FRAME_LENGTH, Limits.DEFAULT_MAX_MESSAGE_BYTES, 1);

    /** What {@code writer} puts on {@code wire} for {@code frame}. */
    static byte[] write(RecordWriter writer, ByteArrayOutputStream wire, Frame frame) throws Exception {
        wire.reset();
        writer.write(frame);
        byte[] out = wire.toByteArray();
        wire.reset();
        return out;
    }

    static byte[] openRecord(byte[] key, long counter, byte[] record) throws Exception {
        byte[] header = Arrays.copyOf(record, WireConstants.HEADER_LENGTH);
        byte[] body = Arrays.copyOfRange(record, WireConstants.HEADER_LENGTH, record.length);
        assertThat(HEX.formatHex(header, 0, 4)).isEqualTo(String.format(Locale.ROOT, "%08x", body.length));
        return new AesGcm(key).open(counter, header, body);
    }

    /** Section 3: 30 digits per identity from 5200 rounds of SHA-512, the smaller string first. */
    static String safetyNumber(byte[] spkiA, byte[] spkiB) throws Exception {
        String a = identityDigits(spkiA);
        String b = identityDigits(spkiB);
        String joined = a.compareTo(b) <= 0 ? a + b : b + a;
        return String.join(" ", joined.split("(?<=\\G.{5})"));
    }

    static String identityDigits(byte[] spki) throws Exception {
        byte[] h = sha("SHA-512", new byte[] {0, 0}, spki, ascii("peerlink"));
        for (int i = 0; i < 5200; i++) {
            h = sha("SHA-512", h, spki);
        }
        StringBuilder digits = new StringBuilder();
        for (int j = 0; j < 6; j++) {
            long n = new BigInteger(1, Arrays.copyOfRange(h, 5 * j, 5 * j + 5)).mod(BigInteger.valueOf(100_000))
                    .longValueExact();
            String five = Long.toString(n);
            digits.append("0".repeat(5 - five.length())).append(five);
        }
        return digits.toString();
    }

    static byte[] sha(String algorithm, byte[]... parts) throws Exception {
        MessageDigest digest = MessageDigest.getInstance(algorithm);
        for (byte[] p : parts) {
            digest.update(p);
        }
        return digest.digest();
    }

    static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A text value: written on one line in double quotes, never wrapped. */
    static String quoted(String text) {
        return '"' + text + '"';
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
