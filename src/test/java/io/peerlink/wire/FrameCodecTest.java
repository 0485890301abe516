package io.peerlink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The inner frames of a record: every type round trips; wrong types, lengths and text are refused. */
class FrameCodecTest {

    private static final UUID ID = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");

    static Stream<Frame> everyFrameType() {
        return Stream.of(
                new Frame.Message(ID, 1_700_000_000_123L, "hello"),
                new Frame.Message(ID, -1L, ""),
                new Frame.Message(ID, Long.MAX_VALUE, "grüße, 你好, 🙂"),
                new Frame.Ack(ID),
                new Frame.KeepAlive(),
                new Frame.Close(CloseCode.NORMAL),
                new Frame.KeyUpdate());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyFrameType")
    void roundTripsEveryFrameType(Frame frame) throws Exception {
        assertThat(FrameCodec.decode(FrameCodec.encode(frame), Limits.DEFAULTS)).isEqualTo(frame);
    }

    @ParameterizedTest
    @EnumSource(CloseCode.class)
    void roundTripsEveryCloseCode(CloseCode code) throws Exception {
        byte[] encoded = FrameCodec.encode(new Frame.Close(code));
        assertThat(encoded).hasSize(1 + WireConstants.CLOSE_LENGTH);
        assertThat(FrameCodec.decode(encoded, Limits.DEFAULTS)).isEqualTo(new Frame.Close(code));
    }

    @Test
    void encodesTheDocumentedLayout() {
        byte[] message = FrameCodec.encode(new Frame.Message(ID, 0x0102030405060708L, "hi"));
        assertThat(HexFormat.of().formatHex(message))
                .isEqualTo("01" + "00112233445566778899aabbccddeeff" + "0102030405060708" + "6869");
        assertThat(HexFormat.of().formatHex(FrameCodec.encode(new Frame.Ack(ID))))
                .isEqualTo("02" + "00112233445566778899aabbccddeeff");
        assertThat(FrameCodec.encode(new Frame.KeepAlive())).containsExactly(0x03);
        assertThat(FrameCodec.encode(new Frame.Close(CloseCode.DECRYPT_ERROR))).containsExactly(0x04, 0x00, 0x03);
        assertThat(FrameCodec.encode(new Frame.KeyUpdate())).containsExactly(0x05);
    }

    @Test
    void decodesAnUnknownCloseCodeAsUnknown() throws Exception {
        assertThat(FrameCodec.decode(new byte[] {0x04, 0x12, 0x34}, Limits.DEFAULTS))
                .isEqualTo(new Frame.Close(CloseCode.UNKNOWN));
    }

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {"00", "07", "17", "7f", "80", "ff"})
    void refusesUnknownInnerType(String type) {
        byte[] plaintext = HexFormat.of().parseHex(type + "00000000");
        assertThatThrownBy(() -> FrameCodec.decode(plaintext, Limits.DEFAULTS))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.MALFORMED))
                .hasMessage("unknown inner frame type 0x" + type);
    }

    @Test
    void aGrantCarriesItsTokenAsTheRestOfTheRecord() throws Exception {
        byte[] token = new byte[32];
        java.util.Arrays.fill(token, (byte) 0x5a);
        byte[] plaintext = FrameCodec.encode(new Frame.Grant(token));
        assertThat(plaintext).hasSize(33);
        assertThat(plaintext[0]).isEqualTo(WireConstants.INNER_GRANT);
        Frame decoded = FrameCodec.decode(plaintext, Limits.DEFAULTS);
        assertThat(decoded).isInstanceOfSatisfying(Frame.Grant.class, g -> assertThat(g.token()).isEqualTo(token));
        assertThat(decoded.toString()).doesNotContain("5a").doesNotContain("90");
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 15, 65, 200})
    void refusesAGrantShorterThan128OrLongerThan512Bits(int length) {
        byte[] plaintext = new byte[1 + length];
        plaintext[0] = WireConstants.INNER_GRANT;
        assertThatThrownBy(() -> FrameCodec.decode(plaintext, Limits.DEFAULTS))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.MALFORMED))
                .hasMessageContaining("GRANT body must be 16 to 64 bytes, was " + length);
        assertThatThrownBy(() -> new Frame.Grant(new byte[length])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesEmptyRecord() {
        assertThatThrownBy(() -> FrameCodec.decode(new byte[0], Limits.DEFAULTS))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.MALFORMED))
                .hasMessage("empty record");
    }

    static Stream<Arguments> wrongLengths() {
        return Stream.of(
                Arguments.of("ACK short", "02" + "00".repeat(15), "ACK body must be 16 bytes, was 15"),
                Arguments.of("ACK long", "02" + "00".repeat(17), "ACK body must be 16 bytes, was 17"),
                Arguments.of("KEEP_ALIVE with a body", "0300", "KEEP_ALIVE body must be 0 bytes, was 1"),
                Arguments.of("CLOSE short", "0400", "CLOSE body must be 2 bytes, was 1"),
                Arguments.of("CLOSE long", "04000000", "CLOSE body must be 2 bytes, was 3"),
                Arguments.of("KEY_UPDATE with a body", "0501", "KEY_UPDATE body must be 0 bytes, was 1"),
                Arguments.of("MESSAGE without timestamp", "01" + "00".repeat(16),
                        "MESSAGE body of 16 bytes is shorter than 24"),
                Arguments.of("MESSAGE empty", "01", "MESSAGE body of 0 bytes is shorter than 24"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongLengths")
    void refusesWrongLengths(String name, String hex, String message) {
        assertThatThrownBy(() -> FrameCodec.decode(HexFormat.of().parseHex(hex), Limits.DEFAULTS))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.MALFORMED))
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "c328", // 2-byte lead, bad continuation
        "c0af", // overlong "/"
        "e282", // truncated 3-byte sequence at the end
        "eda080", // UTF-16 surrogate encoded in UTF-8 (CESU-8)
        "f4908080", // above U+10FFFF
        "ff", // never valid
        "80", // lone continuation byte
        "61ff62", // as many replacement chars as bytes: the ASCII fast path must not take it
        "41c0af42", // the same with an overlong sequence inside ASCII
    })
    void refusesInvalidUtf8(String textHex) {
        byte[] plaintext = message(HexFormat.of().parseHex(textHex));
        assertThatThrownBy(() -> FrameCodec.decode(plaintext, Limits.DEFAULTS))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProtocolException.Reason.MALFORMED))
                .hasMessage("message text is not valid UTF-8");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"", "plain ascii", "\uFFFD", "a\uFFFDb", "ü", "grüße ✓ 😀", "\u007f\u0080"})
    void decodesValidTextWhateverItsMixOfAsciiAndMultiByteSequences(String text) throws Exception {
        Frame.Message m = new Frame.Message(new java.util.UUID(1, 2), 3, text);
        assertThat(FrameCodec.decode(FrameCodec.encode(m), Limits.DEFAULTS)).isEqualTo(m);
    }

    @Test
    void acceptsMessageOfExactlyMaxBytes() throws Exception {
        Limits limits = new Limits(Limits.DEFAULT_MAX_FRAME_LENGTH, 10, Limits.DEFAULT_KEY_UPDATE_AFTER_FRAMES);
        String text = "ü".repeat(5); // 10 bytes of UTF-8
        assertThat(FrameCodec.decode(message(text.getBytes(StandardCharsets.UTF_8)), limits))
                .isEqualTo(new Frame.Message(new UUID(1, 2), 3, text));
    }

    @Test
    void refusesMessageOverMaxBytesAndSaysByHowMuch() {
        Limits limits = new Limits(Limits.DEFAULT_MAX_FRAME_LENGTH, 10, Limits.DEFAULT_KEY_UPDATE_AFTER_FRAMES);
        byte[] plaintext = message("x".repeat(11).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> FrameCodec.decode(plaintext, limits))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ProtocolException.Reason.MESSAGE_TOO_LARGE);
                    assertThat(e.reason().closeCode()).isEqualTo(CloseCode.TOO_LARGE);
                })
                .hasMessage("message text of 11 bytes exceeds the limit of 10");
    }

    @Test
    void keepsMessageTextOutOfToString() {
        assertThat(new Frame.Message(ID, 1, "the secret plan").toString()).doesNotContain("secret");
    }

    /** A MESSAGE plaintext with id (1, 2), sentAt 3 and the given text bytes. */
    private static byte[] message(byte[] text) {
        return ByteBuffer.allocate(1 + WireConstants.MESSAGE_FIXED_LENGTH + text.length)
                .put(WireConstants.INNER_MESSAGE).putLong(1).putLong(2).putLong(3).put(text).array();
    }
}
