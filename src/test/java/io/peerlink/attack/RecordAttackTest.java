package io.peerlink.attack;

import static io.peerlink.wire.ProtocolException.Reason.DECRYPT_FAILED;
import static io.peerlink.wire.ProtocolException.Reason.FRAME_TOO_LARGE;
import static io.peerlink.wire.ProtocolException.Reason.MALFORMED;
import static io.peerlink.wire.ProtocolException.Reason.MESSAGE_TOO_LARGE;
import static io.peerlink.wire.ProtocolException.Reason.UNEXPECTED_FRAME;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.peerlink.store.StoredMessage;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.Frame;
import io.peerlink.wire.FrameCodec;
import io.peerlink.wire.Limits;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Attacks on the record layer of an established connection. The attacker completes a real
 * handshake by hand ({@link HandClient}), seals records with a {@link io.peerlink.wire.RecordWriter}
 * into a buffer, and then tampers with them, replays, drops or reorders them before sending. Each
 * ends the connection: the victim logs why, answers with a CLOSE carrying the matching code where it
 * still can, and delivers nothing that was not authentic and in order.
 */
class RecordAttackTest extends AttackFixture {

    private static final String TEXT = "attack at dawn"; // record body 1 + 24 + 14 + 16 = 55 bytes

    /** Where a bit is flipped in a sealed MESSAGE record, and what the victim must then say. */
    enum Spot {
        /** A set bit of the length field: the body read is one byte short. */
        HEADER_LENGTH_LOW_BIT(DECRYPT_FAILED),
        /** The top bit of the length field: far over the limit, refused before the body. */
        HEADER_LENGTH_HIGH_BIT(FRAME_TOO_LARGE),
        /** 0x17 becomes 0x16: not a record at all, refused before decryption. */
        HEADER_TYPE(UNEXPECTED_FRAME),
        /** The encrypted inner type byte. */
        INNER_TYPE(DECRYPT_FAILED),
        /** A byte of the encrypted message text. */
        CIPHERTEXT_MIDDLE(DECRYPT_FAILED),
        TAG_FIRST_BYTE(DECRYPT_FAILED),
        TAG_LAST_BYTE(DECRYPT_FAILED);

        final ProtocolException.Reason reason;

        Spot(ProtocolException.Reason reason) {
            this.reason = reason;
        }

        byte[] flip(byte[] record) {
            int n = record.length;
            int body = WireConstants.HEADER_LENGTH; // where the ciphertext starts
            return switch (this) {
                case HEADER_LENGTH_LOW_BIT -> Wire.flipBit(record, 3, Integer.numberOfTrailingZeros(record[3] & 0xFF));
                case HEADER_LENGTH_HIGH_BIT -> Wire.flipBit(record, 0, 7);
                case HEADER_TYPE -> Wire.flipBit(record, 4, 0);
                case INNER_TYPE -> Wire.flipBit(record, body, 0);
                case CIPHERTEXT_MIDDLE -> Wire.flipBit(record, body + (n - body - WireConstants.TAG_LENGTH) / 2, 4);
                case TAG_FIRST_BYTE -> Wire.flipBit(record, n - WireConstants.TAG_LENGTH, 0);
                case TAG_LAST_BYTE -> Wire.flipBit(record, n - 1, 7);
            };
        }
    }

    // ------------------------------------------------------------------ flipped bits

    @ParameterizedTest(name = "{0}")
    @EnumSource(Spot.class)
    void refusesRecordWithFlippedBit(Spot spot) throws Exception {
        try (HandClient attacker = HandClient.connect(victimPort(), MALLORY)) {
            byte[] record = attacker.seal(message(TEXT));
            assertThat(record[3] & 0xFF).as("record body length").isEqualTo(55);
            attacker.send(spot.flip(record));
            assertThat(attacker.awaitClose()).isEqualTo(new Frame.Close(spot.reason.closeCode()));
            attacker.awaitClosedByPeer();
        }
        assertConnectionRefused(spot.reason);
        assertNothingDelivered();
        assertListenerStillServes();
    }

    // ------------------------------------------------------------------ replayed, dropped, reordered

    @Test
    void refusesReplayedRecord() throws Exception {
        try (HandClient attacker = HandClient.connect(victimPort(), MALLORY)) {
            List<RawFrame> records = Wire.split(attacker.seal(message("one"), message("two"), message("three")));
            attacker.send(Wire.concat(records.get(0).bytes(), records.get(0).bytes()));
            assertThat(attacker.awaitClose()).isEqualTo(new Frame.Close(CloseCode.DECRYPT_ERROR));
            attacker.awaitClosedByPeer();
        }
        assertConnectionRefused(DECRYPT_FAILED, "record 1 failed authentication");
        assertDeliveredOnly("one");
        assertListenerStillServes();
    }

    @Test
    void refusesRecordAfterADroppedOne() throws Exception {
        try (HandClient attacker = HandClient.connect(victimPort(), MALLORY)) {
            List<RawFrame> records = Wire.split(attacker.seal(message("one"), message("two"), message("three")));
            attacker.send(Wire.concat(records.get(0).bytes(), records.get(2).bytes()));
            assertThat(attacker.awaitClose()).isEqualTo(new Frame.Close(CloseCode.DECRYPT_ERROR));
            attacker.awaitClosedByPeer();
        }
        assertConnectionRefused(DECRYPT_FAILED, "record 1 failed authentication");
        assertDeliveredOnly("one");
        assertListenerStillServes();
    }

    @Test
    void refusesReorderedRecords() throws Exception {
        try (HandClient attacker = HandClient.connect(victimPort(), MALLORY)) {
            List<RawFrame> records = Wire.split(attacker.seal(message("one"), message("two"), message("three")));
            attacker.send(Wire.concat(records.get(1).bytes(), records.get(0).bytes(), records.get(2).bytes()));
            assertThat(attacker.awaitClose()).isEqualTo(new Frame.Close(CloseCode.DECRYPT_ERROR));
            attacker.awaitClosedByPeer();
        }
        assertConnectionRefused(DECRYPT_FAILED, "record 0 failed authentication");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesRecordReplayedFromAnEarlierConnection() throws Exception {
        byte[] earlier;
        try (HandClient first = HandClient.connect(victimPort(), MALLORY)) {
            earlier = first.seal(message("once"));
            first.send(Wire.concat(earlier, first.seal(new Frame.Close(CloseCode.NORMAL))));
            first.awaitClosedByPeer();
        }
        assertDeliveredOnly("once");
        assertNoConnectionUp();
        try (HandClient second = HandClient.connect(victimPort(), MALLORY)) {
            // same sender, same counter 0, but the keys of another handshake
            second.send(earlier);
            assertThat(second.awaitClose()).isEqualTo(new Frame.Close(CloseCode.DECRYPT_ERROR));
            second.awaitClosedByPeer();
        }
        assertConnectionRefused(DECRYPT_FAILED, "record 0 failed authentication");
        assertDeliveredOnly("once");
        assertListenerStillServes();
    }

    // ------------------------------------------------------------------ frame after close

    @Test
    void dropsFrameSentAfterClose() throws Exception {
        try (HandClient attacker = HandClient.connect(victimPort(), MALLORY)) {
            byte[] close = attacker.seal(new Frame.Close(CloseCode.NORMAL));
            // authentic and next in order, but after CLOSE (the record writer would refuse to send it)
            byte[] late = attacker.sealRaw(FrameCodec.encode(message("too late")));
            attacker.send(Wire.concat(close, late));
            attacker.awaitClosedByPeer();
        }
        // the victim stops reading at CLOSE: the late record is never opened
        assertLogged(Level.INFO, "Connection to " + MALLORY.peerId(), "closed by peer (NORMAL)");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    // ------------------------------------------------------------------ oversized and malformed records

    @Test
    void refusesOversizedRecordLengthBeforeReadingTheBody() throws Exception {
        try (HandClient attacker = HandClient.connect(victimPort(), MALLORY)) {
            attacker.send(RawFrame.header(WireConstants.TYPE_RECORD, Integer.MAX_VALUE)); // no body follows
            assertThat(attacker.awaitClose()).isEqualTo(new Frame.Close(CloseCode.TOO_LARGE));
            attacker.awaitClosedByPeer();
        }
        assertConnectionRefused(FRAME_TOO_LARGE, "length prefix 2147483647 exceeds the limit of "
                + Limits.DEFAULT_MAX_FRAME_LENGTH + " bytes");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    /** Authentic records whose plaintext breaks the inner frame format. */
    enum BadPlaintext {
        UNKNOWN_INNER_TYPE(MALFORMED, "unknown inner frame type 0x42") {
            @Override
            byte[] bytes() {
                return new byte[] {0x42};
            }
        },
        ACK_OF_WRONG_LENGTH(MALFORMED, "ACK body must be 16 bytes, was 15") {
            @Override
            byte[] bytes() {
                return Arrays.copyOf(FrameCodec.encode(new Frame.Ack(UUID.randomUUID())), 16);
            }
        },
        INVALID_UTF8(MALFORMED, "message text is not valid UTF-8") {
            @Override
            byte[] bytes() {
                return messagePlaintext(new byte[] {'o', 'k', (byte) 0xC3, 0x28});
            }
        },
        TEXT_OVER_THE_LIMIT(MESSAGE_TOO_LARGE, "message text of 65537 bytes exceeds the limit of 65536") {
            @Override
            byte[] bytes() {
                return messagePlaintext(new byte[Limits.DEFAULT_MAX_MESSAGE_BYTES + 1]);
            }
        };

        final ProtocolException.Reason reason;
        final String detail;

        BadPlaintext(ProtocolException.Reason reason, String detail) {
            this.reason = reason;
            this.detail = detail;
        }

        abstract byte[] bytes();

        static byte[] messagePlaintext(byte[] text) {
            ByteBuffer b = ByteBuffer.allocate(1 + WireConstants.MESSAGE_FIXED_LENGTH + text.length);
            b.put(WireConstants.INNER_MESSAGE).putLong(1).putLong(2).putLong(3).put(text);
            return b.array();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(BadPlaintext.class)
    void refusesAuthenticRecordWithMalformedFrame(BadPlaintext bad) throws Exception {
        try (HandClient attacker = HandClient.connect(victimPort(), MALLORY)) {
            attacker.send(attacker.sealRaw(bad.bytes()));
            assertThat(attacker.awaitClose()).isEqualTo(new Frame.Close(bad.reason.closeCode()));
            attacker.awaitClosedByPeer();
        }
        assertConnectionRefused(bad.reason, bad.detail);
        assertNothingDelivered();
        assertListenerStillServes();
    }

    // ------------------------------------------------------------------ helpers

    private static Frame.Message message(String text) {
        return new Frame.Message(UUID.randomUUID(), System.currentTimeMillis(), text);
    }

    /** Exactly these texts reached the victim's inbox, from Mallory, and the connection is gone. */
    private void assertDeliveredOnly(String... texts) throws InterruptedException {
        assertNoConnectionUp();
        // a message read just before the connection ended is still being committed: give it a moment
        long deadline = System.nanoTime() + Wire.PATIENCE.toNanos();
        while (victim.inbox().poll(0, 100, null, Duration.ZERO).messages().size() < texts.length
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        List<StoredMessage> inbox = victim.inbox().poll(0, 100, null, Duration.ZERO).messages();
        assertThat(inbox).extracting(StoredMessage::text).containsExactly(texts);
        assertThat(inbox).extracting(StoredMessage::peerId).containsOnly(MALLORY.peerId());
    }
}
