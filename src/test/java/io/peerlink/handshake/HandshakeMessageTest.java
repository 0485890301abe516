package io.peerlink.handshake;

import static io.peerlink.wire.ProtocolException.Reason.BAD_EPHEMERAL_KEY;
import static io.peerlink.wire.ProtocolException.Reason.BAD_IDENTITY_KEY;
import static io.peerlink.wire.ProtocolException.Reason.BAD_KEM_CIPHERTEXT;
import static io.peerlink.wire.ProtocolException.Reason.BAD_RSA_CIPHERTEXT;
import static io.peerlink.wire.ProtocolException.Reason.GARBAGE;
import static io.peerlink.wire.ProtocolException.Reason.MALFORMED;
import static io.peerlink.wire.ProtocolException.Reason.UNEXPECTED_FRAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.peerlink.crypto.RsaOaep;
import io.peerlink.handshake.HandshakeMessage.ClientFinish;
import io.peerlink.handshake.HandshakeMessage.ClientHello;
import io.peerlink.handshake.HandshakeMessage.ServerFinish;
import io.peerlink.handshake.HandshakeMessage.ServerHello;
import io.peerlink.identity.Identity;
import io.peerlink.support.TestIdentities;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The handshake message codec on its own: real messages survive a decode and re-encode byte for
 * byte; truncated, over-long, mistyped and out-of-range input is refused with the reason
 * docs/PROTOCOL.md section 5 names.
 */
class HandshakeMessageTest {

    private static final Identity SERVER = TestIdentities.named("server");
    private static final Identity CLIENT = TestIdentities.named("client");
    /** Both test identities are RSA-2048: c1 and c2 are 256 bytes. */
    private static final int RSA = 256;

    private static RawFrame serverHello;
    private static RawFrame clientHello;
    private static RawFrame serverFinish;
    private static RawFrame clientFinish;

    @BeforeAll
    static void handshake() throws Exception {
        assertThat(RsaOaep.ciphertextLength(SERVER.publicKey().key())).isEqualTo(RSA);
        assertThat(RsaOaep.ciphertextLength(CLIENT.publicKey().key())).isEqualTo(RSA);
        Handshake server = new Handshake(Handshake.Role.SERVER, SERVER, new SecureRandom());
        Handshake client = new Handshake(Handshake.Role.CLIENT, CLIENT, new SecureRandom());
        serverHello = server.createServerHello();
        client.consumeServerHello(serverHello);
        clientHello = client.createClientHello();
        server.consumeClientHello(clientHello);
        serverFinish = server.createServerFinish();
        client.consumeServerFinish(serverFinish);
        clientFinish = client.createClientFinish();
        server.consumeClientFinish(clientFinish);
    }

    private interface Decoder {
        HandshakeMessage decode(RawFrame frame) throws ProtocolException;
    }

    private record Case(String name, RawFrame frame, Decoder decoder) {
    }

    private static List<Case> cases() {
        return List.of(
                new Case("SERVER_HELLO", serverHello, ServerHello::decode),
                new Case("CLIENT_HELLO", clientHello, f -> ClientHello.decode(f, RSA)),
                new Case("SERVER_FINISH", serverFinish, f -> ServerFinish.decode(f, RSA)),
                new Case("CLIENT_FINISH", clientFinish, ClientFinish::decode));
    }

    @Test
    void decodingAndEncodingARealMessageGivesTheSameBytes() throws Exception {
        for (Case c : cases()) {
            HandshakeMessage decoded = c.decoder().decode(c.frame());
            assertThat(decoded.encode().bytes()).as(c.name()).isEqualTo(c.frame().bytes());
            assertThat(c.decoder().decode(decoded.encode())).as(c.name()).isEqualTo(decoded);
        }
    }

    @Test
    void decodesTheFieldsWhereTheProtocolPutsThem() throws Exception {
        ServerHello sh = ServerHello.decode(serverHello);
        assertThat(sh.versions()).containsExactly(WireConstants.VERSION_1, WireConstants.VERSION_2);
        assertThat(sh.spki()).isEqualTo(SERVER.publicKey().spki());
        assertThat(sh.ephemeralKey()).hasSize(WireConstants.X25519_KEY_LENGTH);
        assertThat(sh.encapsulationKey()).hasSize(WireConstants.MLKEM_ENCAPSULATION_KEY_LENGTH);
        assertThat(sh.nonce()).hasSize(WireConstants.NONCE_LENGTH);
        ClientHello ch = ClientHello.decode(clientHello, RSA);
        assertThat(ch.version()).isEqualTo(WireConstants.VERSION_2);
        assertThat(ch.kemCiphertext()).hasSize(WireConstants.MLKEM_CIPHERTEXT_LENGTH);
        assertThat(ch.rsaCiphertext()).hasSize(RSA);
        assertThat(ch.sealedIdentity()).hasSize(CLIENT.publicKey().spki().length + WireConstants.TAG_LENGTH);
        ServerFinish sf = ServerFinish.decode(serverFinish, RSA);
        assertThat(sf.sealedSecret()).hasSize(RSA + WireConstants.TAG_LENGTH);
        assertThat(sf.sealedMac()).hasSize(WireConstants.MAC_LENGTH + WireConstants.TAG_LENGTH);
        assertThat(ClientFinish.decode(clientFinish).sealedMac()).hasSize(48);
        assertThat(clientFinish.body()).hasSize(48);
    }

    @Test
    void refusesEveryTruncationOfEveryMessage() {
        for (Case c : cases()) {
            byte[] body = c.frame().body();
            for (int length = 0; length < body.length; length++) {
                RawFrame cut = RawFrame.of(c.frame().type(), Arrays.copyOf(body, length));
                assertThat(refusal(c.decoder(), cut).reason()).as("%s cut to %d bytes", c.name(), length)
                        .isEqualTo(MALFORMED);
            }
        }
    }

    @Test
    void refusesATrailingByteAfterEveryMessage() {
        for (Case c : cases()) {
            byte[] body = c.frame().body();
            RawFrame longer = RawFrame.of(c.frame().type(), Arrays.copyOf(body, body.length + 1));
            ProtocolException e = refusal(c.decoder(), longer);
            assertThat(e.reason()).as(c.name()).isEqualTo(MALFORMED);
            assertThat(e.getMessage()).isEqualTo(c.name() + ": 1 trailing bytes");
        }
    }

    @Test
    void refusesEveryOtherFrameTypeAndUnknownBytes() {
        byte[] others = {WireConstants.TYPE_SERVER_HELLO, WireConstants.TYPE_CLIENT_HELLO,
            WireConstants.TYPE_SERVER_FINISH, WireConstants.TYPE_CLIENT_FINISH, WireConstants.TYPE_RECORD};
        for (Case c : cases()) {
            for (byte type : others) {
                if (type == c.frame().type()) {
                    continue;
                }
                RawFrame wrong = RawFrame.of(type, c.frame().body());
                assertThat(refusal(c.decoder(), wrong).reason()).as("%s as type %d", c.name(), type)
                        .isEqualTo(UNEXPECTED_FRAME);
            }
            ProtocolException e = refusal(c.decoder(), RawFrame.of((byte) 0x99, c.frame().body()));
            assertThat(e.reason()).isEqualTo(GARBAGE);
            assertThat(e.getMessage()).startsWith("frame type 0x99 where " + c.name());
        }
    }

    @ParameterizedTest(name = "{0} versions")
    @ValueSource(ints = {0, 9, 255})
    void refusesAServerHelloOfferingNoneOrMoreThanEightVersions(int count) throws Exception {
        ServerHello real = ServerHello.decode(serverHello);
        RawFrame forged = new ServerHello(new int[count], real.spki(), real.ephemeralKey(), real.encapsulationKey(),
                real.nonce()).encode();
        assertThatThrownBy(() -> ServerHello.decode(forged)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.reason()).isEqualTo(MALFORMED))
                .hasMessage("SERVER_HELLO offers " + count + " versions, expected 1..8");
    }

    @Test
    void refusesServerHelloFieldsOfTheWrongLength() throws Exception {
        ServerHello real = ServerHello.decode(serverHello);
        assertRefused(new ServerHello(real.versions(), new byte[0], real.ephemeralKey(), real.encapsulationKey(),
                real.nonce()), ServerHello::decode, BAD_IDENTITY_KEY, "RSA public key of 0 bytes, expected 1..1100");
        assertRefused(new ServerHello(real.versions(), new byte[1101], real.ephemeralKey(), real.encapsulationKey(),
                real.nonce()), ServerHello::decode, BAD_IDENTITY_KEY, "RSA public key of 1101 bytes");
        for (int size : new int[] {1183, 1185, 0}) {
            assertRefused(new ServerHello(real.versions(), real.spki(), real.ephemeralKey(),
                    Arrays.copyOf(real.encapsulationKey(), size), real.nonce()), ServerHello::decode,
                    BAD_EPHEMERAL_KEY, "ML-KEM-768 encapsulation key of " + size + " bytes, expected 1184");
        }
    }

    @Test
    void refusesClientHelloFieldsOfTheWrongLength() throws Exception {
        ClientHello real = ClientHello.decode(clientHello, RSA);
        Decoder decoder = f -> ClientHello.decode(f, RSA);
        for (int size : new int[] {0, 1087, 1089}) {
            assertRefused(new ClientHello(real.version(), real.ephemeralKey(), new byte[size], real.rsaCiphertext(),
                    real.sealedIdentity()), decoder, BAD_KEM_CIPHERTEXT,
                    "ML-KEM-768 ciphertext of " + size + " bytes, expected 1088");
        }
        for (int size : new int[] {0, RSA - 1, RSA + 1, 384}) {
            assertRefused(new ClientHello(real.version(), real.ephemeralKey(), real.kemCiphertext(), new byte[size],
                    real.sealedIdentity()), decoder, BAD_RSA_CIPHERTEXT,
                    "RSA-OAEP ciphertext of " + size + " bytes, expected " + RSA);
        }
        for (int size : new int[] {0, 16, 1117}) {
            assertRefused(new ClientHello(real.version(), real.ephemeralKey(), real.kemCiphertext(),
                    real.rsaCiphertext(), new byte[size]), decoder, MALFORMED,
                    "encrypted identity of " + size + " bytes, expected 17..1116");
        }
        // the length checked is the server's own modulus: a 3072-bit server wants 384 bytes
        assertRefused(real, f -> ClientHello.decode(f, 384), BAD_RSA_CIPHERTEXT, "expected 384");
    }

    @Test
    void refusesFinishFieldsOfTheWrongLength() throws Exception {
        ServerFinish real = ServerFinish.decode(serverFinish, RSA);
        for (int size : new int[] {0, RSA, RSA + 15, RSA + 17}) {
            assertRefused(new ServerFinish(new byte[size], real.sealedMac()), f -> ServerFinish.decode(f, RSA),
                    BAD_RSA_CIPHERTEXT, "sealed RSA-OAEP ciphertext of " + size + " bytes, expected " + (RSA + 16));
        }
        // sealed_mac has no length prefix: a short one is a truncated frame, a long one leaves bytes over
        assertRefused(new ServerFinish(real.sealedSecret(), new byte[47]), f -> ServerFinish.decode(f, RSA),
                MALFORMED, "sealed MAC needs 48 bytes, 47 left");
        assertRefused(new ServerFinish(real.sealedSecret(), new byte[49]), f -> ServerFinish.decode(f, RSA),
                MALFORMED, "1 trailing bytes");
        assertRefused(new ClientFinish(new byte[47]), ClientFinish::decode, MALFORMED, "needs 48 bytes, 47 left");
        assertRefused(new ClientFinish(new byte[49]), ClientFinish::decode, MALFORMED, "1 trailing bytes");
    }

    @Test
    void checksALengthPrefixBeforeReadingTheField() {
        // spki length 0xFFFF, and nothing after it: out of range, not "truncated"
        RawFrame hello = RawFrame.of(WireConstants.TYPE_SERVER_HELLO, new byte[] {1, 0, 1, (byte) 0xFF, (byte) 0xFF});
        ProtocolException e = refusal(ServerHello::decode, hello);
        assertThat(e.reason()).isEqualTo(BAD_IDENTITY_KEY);
        assertThat(e.getMessage()).contains("RSA public key of 65535 bytes");
    }

    @Test
    void encodingRefusesOnlyWhatTheFormatCannotExpress() throws Exception {
        ServerHello real = ServerHello.decode(serverHello);
        assertThatThrownBy(() -> new ServerHello(new int[256], real.spki(), real.ephemeralKey(),
                real.encapsulationKey(), real.nonce()).encode()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256 items");
        assertThatThrownBy(() -> new ServerFinish(new byte[65536], new byte[48]).encode())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65536 bytes");
        assertThat(new ServerFinish(new byte[65535], new byte[48]).encode().body()).hasSize(2 + 65535 + 48);
    }

    @Test
    void messagesCompareByContentAndPrintNoBytes() throws Exception {
        assertThat(ServerHello.decode(serverHello)).isEqualTo(ServerHello.decode(serverHello))
                .hasSameHashCodeAs(ServerHello.decode(serverHello));
        assertThat(ClientFinish.decode(clientFinish).toString()).isEqualTo("ClientFinish[sealed_mac=48 bytes]");
    }

    private static void assertRefused(HandshakeMessage message, Decoder decoder, ProtocolException.Reason reason,
            String detail) {
        ProtocolException e = refusal(decoder, message.encode());
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        assertThat(e.getMessage()).contains(detail);
    }

    private static ProtocolException refusal(Decoder decoder, RawFrame frame) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> decoder.decode(frame));
        assertThat(e).as("refused").isNotNull();
        return e;
    }
}
