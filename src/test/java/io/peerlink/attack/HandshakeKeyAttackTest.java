package io.peerlink.attack;

import static io.peerlink.wire.ProtocolException.Reason.BAD_EPHEMERAL_KEY;
import static io.peerlink.wire.ProtocolException.Reason.BAD_IDENTITY_KEY;
import static io.peerlink.wire.ProtocolException.Reason.BAD_KEM_CIPHERTEXT;
import static io.peerlink.wire.ProtocolException.Reason.HANDSHAKE_DECRYPT_FAILED;
import static io.peerlink.wire.ProtocolException.Reason.KEY_CONFIRMATION_FAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.transport.PeerConnectionException;
import io.peerlink.handshake.Handshake;
import io.peerlink.handshake.HandshakeMessage.ClientHello;
import io.peerlink.handshake.HandshakeMessage.ServerHello;
import io.peerlink.identity.Identity;
import io.peerlink.support.TestIdentities;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad keys and bad key confirmation in the handshake, from a client dialling the victim and from a
 * server the victim dials: weak or non-RSA identities, low-order X25519 keys, ML-KEM ciphertexts of
 * the wrong size, key-confirmation MACs with a flipped bit.
 */
class HandshakeKeyAttackTest extends AttackFixture {

    /** X25519 public keys of small order (RFC 7748, Wycheproof): every one gives an all-zero secret. */
    private static final String[] LOW_ORDER_POINTS = {
        "0000000000000000000000000000000000000000000000000000000000000000", // 0
        "0100000000000000000000000000000000000000000000000000000000000000", // 1
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", // order 8
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", // order 8
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p - 1, order 2
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p, that is 0
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p + 1, that is 1
        "0000000000000000000000000000000000000000000000000000000000000080", // 0 with the top bit set
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880", // order 8, top bit set
    };

    private static final Identity WEAK = TestIdentities.named("weak", 1024);

    // ------------------------------------------------------------------ identity keys from a client

    @Test
    void refusesRsa1024IdentityFromClient() throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            Handshake client = new Handshake(Handshake.Role.CLIENT, WEAK, new SecureRandom());
            client.consumeServerHello(Wire.readFrame(attacker.getInputStream()));
            Wire.send(attacker, client.createClientHello());
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(BAD_IDENTITY_KEY, "client identity is a 1024-bit RSA key, accepted are 2048..8192");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesEcIdentityFromClient() throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            RawFrame serverHello = Wire.readFrame(attacker.getInputStream());
            // sealed correctly under the handshake key, so the victim opens it and sees an EC key
            Wire.send(attacker, Hellos.clientHelloWithIdentity(serverHello, ecSpki(), new SecureRandom()));
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(BAD_IDENTITY_KEY, "client identity refused: not an RSA SubjectPublicKeyInfo");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesA3072BitPublicExponentFromClientBeforeEncryptingToIt() throws Exception {
        byte[] spki = hugeExponentSpki();
        try (Socket attacker = Wire.dial(victimPort())) {
            RawFrame serverHello = Wire.readFrame(attacker.getInputStream());
            // sealed correctly, so the victim opens it and meets the exponent
            Wire.send(attacker, Hellos.clientHelloWithIdentity(serverHello, spki, new SecureRandom()));
            // SERVER_FINISH would carry c2, RSA-OAEP-encrypted to this key: nothing comes
            attacker.setSoTimeout(5_000);
            assertThat(attacker.getInputStream().readAllBytes()).as("bytes after CLIENT_HELLO").isEmpty();
        }
        assertInboundHandshakeRefused(BAD_IDENTITY_KEY,
                "client identity has the RSA public exponent of 3072 bits, only 65537 is accepted");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    // ------------------------------------------------------------------ identity keys from a server

    @Test
    void refusesA3072BitPublicExponentFromServerBeforeEncryptingToItWhenDialling() throws Exception {
        byte[] spki = hugeExponentSpki();
        // the victim's CLIENT_HELLO would carry c1, RSA-OAEP-encrypted to this key: it sends nothing
        RawFrame hello = changedServerHello(h -> Hellos.withSpki(h, spki));
        assertVictimRefusesServerHello(hello, "server identity has the RSA public exponent of 3072 bits");
        assertOutboundHandshakeRefused(BAD_IDENTITY_KEY,
                "server identity has the RSA public exponent of 3072 bits, only 65537 is accepted");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesRsa1024IdentityFromServerWhenDialling() throws Exception {
        RawFrame hello = new Handshake(Handshake.Role.SERVER, WEAK, new SecureRandom()).createServerHello();
        assertVictimRefusesServerHello(hello, "server identity is a 1024-bit RSA key");
        assertOutboundHandshakeRefused(BAD_IDENTITY_KEY, "server identity is a 1024-bit RSA key, accepted are 2048..8192");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesEcIdentityFromServerWhenDialling() throws Exception {
        byte[] ec = ecSpki();
        RawFrame hello = changedServerHello(h -> Hellos.withSpki(h, ec));
        assertVictimRefusesServerHello(hello, "server identity refused: not an RSA SubjectPublicKeyInfo");
        assertOutboundHandshakeRefused(BAD_IDENTITY_KEY, "server identity refused: not an RSA SubjectPublicKeyInfo");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    // ------------------------------------------------------------------ low-order X25519 keys

    @ParameterizedTest(name = "{0}")
    @MethodSource("lowOrderPoints")
    void refusesLowOrderX25519KeyFromClient(String point) throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            Handshake client = new Handshake(Handshake.Role.CLIENT, MALLORY, new SecureRandom());
            client.consumeServerHello(Wire.readFrame(attacker.getInputStream()));
            Wire.send(attacker, Hellos.withEphemeralKey(Hellos.clientHello(client.createClientHello(), VICTIM),
                    HexFormat.of().parseHex(point)).encode());
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(BAD_EPHEMERAL_KEY, "client's X25519 key refused");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesEveryLowOrderX25519KeyFromServerWhenDialling() throws Exception {
        for (String point : LOW_ORDER_POINTS) {
            RawFrame hello = changedServerHello(h -> Hellos.withEphemeralKey(h, HexFormat.of().parseHex(point)));
            assertVictimRefusesServerHello(hello, "server's X25519 key refused");
        }
        assertOutboundHandshakeRefused(BAD_EPHEMERAL_KEY, "server's X25519 key refused");
        assertThat(logs.events()).filteredOn(e -> e.getFormattedMessage().contains("BAD_EPHEMERAL_KEY"))
                .hasSize(LOW_ORDER_POINTS.length);
        assertNothingDelivered();
        assertListenerStillServes();
    }

    // ------------------------------------------------------------------ ML-KEM ciphertext size

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {WireConstants.MLKEM_CIPHERTEXT_LENGTH - 1, WireConstants.MLKEM_CIPHERTEXT_LENGTH + 1, 0})
    void refusesMlKemCiphertextOfWrongSize(int size) throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            Handshake client = new Handshake(Handshake.Role.CLIENT, MALLORY, new SecureRandom());
            client.consumeServerHello(Wire.readFrame(attacker.getInputStream()));
            ClientHello hello = Hellos.clientHello(client.createClientHello(), VICTIM);
            byte[] resized = Arrays.copyOf(hello.kemCiphertext(), size);
            Wire.send(attacker, Hellos.withKemCiphertext(hello, resized).encode());
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(BAD_KEM_CIPHERTEXT, "ML-KEM-768 ciphertext of " + size + " bytes, expected 1088");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {WireConstants.MLKEM_ENCAPSULATION_KEY_LENGTH - 1, WireConstants.MLKEM_ENCAPSULATION_KEY_LENGTH + 1})
    void refusesMlKemEncapsulationKeyOfWrongSizeFromServerWhenDialling(int size) throws Exception {
        RawFrame hello = changedServerHello(h -> Hellos.withEncapsulationKey(h, Arrays.copyOf(h.encapsulationKey(), size)));
        assertVictimRefusesServerHello(hello, "ML-KEM-768 encapsulation key of " + size + " bytes, expected 1184");
        assertOutboundHandshakeRefused(BAD_EPHEMERAL_KEY, "ML-KEM-768 encapsulation key of " + size + " bytes");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesMlKemEncapsulationKeyFailingTheModulusCheckFromServerWhenDialling() throws Exception {
        // every coefficient 0xFFF >= q = 3329: FIPS 203 section 7.2 says refuse
        byte[] invalid = new byte[WireConstants.MLKEM_ENCAPSULATION_KEY_LENGTH];
        Arrays.fill(invalid, (byte) 0xFF);
        RawFrame hello = changedServerHello(h -> Hellos.withEncapsulationKey(h, invalid));
        assertVictimRefusesServerHello(hello, "server's ML-KEM-768 key refused");
        assertOutboundHandshakeRefused(BAD_EPHEMERAL_KEY, "server's ML-KEM-768 key refused");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    // ------------------------------------------------------------------ RSA-OAEP secrets of the wrong length

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 31, 33, 64})
    void treatsAnS1OfTheWrongLengthLikeAFailedDecryption(int length) throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            RawFrame serverHello = Wire.readFrame(attacker.getInputStream());
            // RSA-OAEP decrypts fine, and the client mixed exactly this s1: only its length is wrong
            byte[] s1 = new byte[length];
            new SecureRandom().nextBytes(s1);
            Wire.send(attacker, Hellos.clientHello(serverHello, MALLORY.publicKey().spki(), s1, new SecureRandom()));
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(HANDSHAKE_DECRYPT_FAILED, "client identity did not decrypt");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 31, 33, 64})
    void treatsAnS2OfTheWrongLengthLikeAFailedDecryptionWhenDialling(int length) throws Exception {
        byte[] s2 = new byte[length];
        new SecureRandom().nextBytes(s2);
        try (ServerSocket server = Wire.listen()) {
            CompletableFuture<byte[]> heard = Wire.serveOnce(server, s -> serveFinishWith(s, s2));
            assertThatThrownBy(() -> victim.connect(Wire.LOOPBACK, server.getLocalPort(), null))
                    .isInstanceOfSatisfying(PeerConnectionException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PeerConnectionException.Kind.HANDSHAKE_FAILED);
                        assertThat(e.getMessage()).contains("server key confirmation did not decrypt");
                    });
            assertThat(heard.get(5, TimeUnit.SECONDS)).as("CLIENT_FINISH sent to the forging server").isEmpty();
        }
        assertOutboundHandshakeRefused(KEY_CONFIRMATION_FAILED, "server key confirmation did not decrypt");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void forgingServerWithA32ByteS2IsAcceptedSoTheWrongLengthIsWhatIsRefused() throws Exception {
        byte[] s2 = new byte[WireConstants.SECRET_LENGTH];
        new SecureRandom().nextBytes(s2);
        try (ServerSocket server = Wire.listen()) {
            CompletableFuture<byte[]> heard = Wire.serveOnce(server, s -> serveFinishWith(s, s2));
            assertThat(victim.connect(Wire.LOOPBACK, server.getLocalPort(), null).peer().peerId())
                    .isEqualTo(MALLORY.peerId());
            assertThat(heard.get(5, TimeUnit.SECONDS)).as("the victim's CLIENT_FINISH, then its records")
                    .hasSizeGreaterThanOrEqualTo(WireConstants.HEADER_LENGTH + 48);
        }
    }

    /** As Mallory's server: a hello, the victim's CLIENT_HELLO, a finish with {@code s2}; what came next. */
    private static byte[] serveFinishWith(Socket s, byte[] s2) throws Exception {
        ForgingServer forger = new ForgingServer(MALLORY, new SecureRandom());
        Wire.send(s, forger.serverHello());
        forger.consumeClientHello(Wire.readFrame(s.getInputStream()));
        Wire.send(s, forger.serverFinish(s2));
        s.setSoTimeout(1000);
        try {
            return s.getInputStream().readNBytes(WireConstants.HEADER_LENGTH + 48);
        } catch (java.net.SocketTimeoutException e) {
            return new byte[0];
        }
    }

    // ------------------------------------------------------------------ key confirmation

    @Test
    void refusesClientFinishWithFlippedBit() throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            Handshake client = new Handshake(Handshake.Role.CLIENT, MALLORY, new SecureRandom());
            client.consumeServerHello(Wire.readFrame(attacker.getInputStream()));
            Wire.send(attacker, client.createClientHello());
            client.consumeServerFinish(Wire.readFrame(attacker.getInputStream()));
            RawFrame finish = client.createClientFinish();
            Wire.send(attacker, Wire.flipBodyBit(finish, 7, 3));
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(KEY_CONFIRMATION_FAILED, "client key confirmation did not decrypt");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesServerFinishWithFlippedBitInTheMacWhenDialling() throws Exception {
        try (ServerSocket server = Wire.listen()) {
            CompletableFuture<Void> attacker = Wire.serveOnce(server, s -> {
                Handshake hs = new Handshake(Handshake.Role.SERVER, MALLORY, new SecureRandom());
                Wire.send(s, hs.createServerHello());
                hs.consumeClientHello(Wire.readFrame(s.getInputStream()));
                RawFrame finish = hs.createServerFinish();
                // the sealed MAC is the last 32 + 16 bytes of the body
                int macStart = finish.body().length - (WireConstants.MAC_LENGTH + WireConstants.TAG_LENGTH);
                Wire.send(s, Wire.flipBodyBit(finish, macStart + 5, 0));
                // the victim sends no CLIENT_FINISH, just hangs up
                assertThat(s.getInputStream().readAllBytes()).isEmpty();
                return null;
            });
            assertThatThrownBy(() -> victim.connect(Wire.LOOPBACK, server.getLocalPort(), null))
                    .isInstanceOfSatisfying(PeerConnectionException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PeerConnectionException.Kind.HANDSHAKE_FAILED);
                        assertThat(e.getMessage()).contains("server key confirmation did not decrypt");
                    });
            attacker.get(5, TimeUnit.SECONDS);
        }
        assertOutboundHandshakeRefused(KEY_CONFIRMATION_FAILED, "server key confirmation did not decrypt");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    // ------------------------------------------------------------------ helpers

    static String[] lowOrderPoints() {
        return LOW_ORDER_POINTS.clone();
    }

    /**
     * Lets the victim dial a fake server that sends {@code hello}; checks that the dial fails with
     * HANDSHAKE_FAILED naming {@code reason}, and that the victim hung up without sending a byte.
     */
    private void assertVictimRefusesServerHello(RawFrame hello, String reason) throws Exception {
        try (ServerSocket server = Wire.listen()) {
            CompletableFuture<byte[]> heard = Wire.serveOnce(server, s -> {
                Wire.send(s, hello);
                return s.getInputStream().readAllBytes();
            });
            assertThatThrownBy(() -> victim.connect(Wire.LOOPBACK, server.getLocalPort(), null))
                    .isInstanceOfSatisfying(PeerConnectionException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PeerConnectionException.Kind.HANDSHAKE_FAILED);
                        assertThat(e.getMessage()).contains(reason);
                    });
            assertThat(heard.get(5, TimeUnit.SECONDS)).as("bytes the victim sent to the bad server").isEmpty();
        }
    }

    private static RawFrame changedServerHello(UnaryOperator<ServerHello> change) throws ProtocolException {
        RawFrame real = new Handshake(Handshake.Role.SERVER, MALLORY, new SecureRandom()).createServerHello();
        return change.apply(ServerHello.decode(real)).encode();
    }

    /**
     * A canonical RSA SubjectPublicKeyInfo with a 3072-bit modulus and a 3072-bit public exponent
     * ({@code n - 2}, odd): well-formed, and legal before the exponent had to be 65537.
     */
    private static byte[] hugeExponentSpki() throws Exception {
        BigInteger n = TestIdentities.named("exponent", 3072).publicKey().key().getModulus();
        BigInteger e = n.subtract(BigInteger.TWO);
        assertThat(e.bitLength()).isEqualTo(3072);
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e)).getEncoded();
    }

    private static byte[] ecSpki() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair().getPublic().getEncoded();
    }
}
