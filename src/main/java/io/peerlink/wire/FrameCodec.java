package io.peerlink.wire;

import static io.peerlink.wire.ProtocolException.Reason.MALFORMED;
import static io.peerlink.wire.ProtocolException.Reason.MESSAGE_TOO_LARGE;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * Encodes and decodes the plaintext of a record: an inner type byte and the frame's body.
 *
 * <pre>
 * MESSAGE    | 0x01 | id (16) | sentAt (int64 ms, 8) | text (UTF-8, rest of record) |
 * ACK        | 0x02 | id (16) |
 * KEEP_ALIVE | 0x03 |
 * CLOSE      | 0x04 | code (uint16) |
 * KEY_UPDATE | 0x05 |
 * version 2, relay control (docs/PROTOCOL.md section 12):
 * RESERVE          | 0x10 |
 * RESERVE_OK       | 0x11 | lifetime (uint32 s) |
 * CIRCUIT_REQUEST  | 0x12 | circuit id (16) | target peerId (32) |
 * CIRCUIT_READY    | 0x13 | circuit id (16) | secret (32) |
 * INCOMING_CIRCUIT | 0x14 | circuit id (16) | secret (32) |
 * RELAY_REFUSED    | 0x15 | refused type (u8) | circuit id (16) | reason (uint16) |
 * </pre>
 * All integers are big-endian; a UUID is its 128 bits, most significant first.
 */
public final class FrameCodec {

    private FrameCodec() {
    }

    public static byte[] encode(Frame frame) {
        byte[] text = utf8Text(frame);
        byte[] plaintext = new byte[length(frame, text)];
        encode(frame, text, plaintext, 0);
        return plaintext;
    }

    /** The UTF-8 text of a MESSAGE, null for every other frame: the one input {@link #length} needs. */
    static byte[] utf8Text(Frame frame) {
        return frame instanceof Frame.Message m ? m.text().getBytes(StandardCharsets.UTF_8) : null;
    }

    /** The plaintext length of {@code frame}; {@code text} is its {@link #utf8Text}. */
    static int length(Frame frame, byte[] text) {
        return WireConstants.INNER_TYPE_LENGTH + switch (frame) {
            case Frame.Message m -> WireConstants.MESSAGE_FIXED_LENGTH + text.length;
            case Frame.Ack a -> WireConstants.ACK_LENGTH;
            case Frame.KeepAlive k -> 0;
            case Frame.Close c -> WireConstants.CLOSE_LENGTH;
            case Frame.KeyUpdate u -> 0;
            case Frame.Reserve r -> 0;
            case Frame.ReserveOk r -> WireConstants.RESERVE_OK_LENGTH;
            case Frame.CircuitRequest r -> WireConstants.CIRCUIT_REQUEST_LENGTH;
            case Frame.CircuitReady r -> WireConstants.CIRCUIT_READY_LENGTH;
            case Frame.IncomingCircuit r -> WireConstants.INCOMING_CIRCUIT_LENGTH;
            case Frame.RelayRefused r -> WireConstants.RELAY_REFUSED_LENGTH;
        };
    }

    /**
     * Writes the plaintext of {@code frame} at {@code destination[offset]} ({@link #length} bytes);
     * {@code text} is its {@link #utf8Text}. Returns the length written.
     */
    static int encode(Frame frame, byte[] text, byte[] destination, int offset) {
        int at = offset;
        switch (frame) {
            case Frame.Message m -> {
                destination[at++] = WireConstants.INNER_MESSAGE;
                at = putLong(destination, at, m.id().getMostSignificantBits());
                at = putLong(destination, at, m.id().getLeastSignificantBits());
                at = putLong(destination, at, m.sentAtMillis());
                System.arraycopy(text, 0, destination, at, text.length);
                at += text.length;
            }
            case Frame.Ack a -> {
                destination[at++] = WireConstants.INNER_ACK;
                at = putLong(destination, at, a.id().getMostSignificantBits());
                at = putLong(destination, at, a.id().getLeastSignificantBits());
            }
            case Frame.KeepAlive k -> destination[at++] = WireConstants.INNER_KEEP_ALIVE;
            case Frame.Close c -> {
                destination[at++] = WireConstants.INNER_CLOSE;
                destination[at++] = (byte) (c.code().code() >>> 8);
                destination[at++] = (byte) c.code().code();
            }
            case Frame.KeyUpdate u -> destination[at++] = WireConstants.INNER_KEY_UPDATE;
            case Frame.Reserve r -> destination[at++] = WireConstants.INNER_RESERVE;
            case Frame.ReserveOk r -> {
                destination[at++] = WireConstants.INNER_RESERVE_OK;
                for (int i = 0; i < 4; i++) {
                    destination[at++] = (byte) (r.lifetimeSeconds() >>> (24 - 8 * i));
                }
            }
            case Frame.CircuitRequest r -> {
                destination[at++] = WireConstants.INNER_CIRCUIT_REQUEST;
                at = putUuid(destination, at, r.id());
                at = putFixed(destination, at, HexFormat.of().parseHex(r.targetPeerId()), WireConstants.PEER_ID_LENGTH);
            }
            case Frame.CircuitReady r -> {
                destination[at++] = WireConstants.INNER_CIRCUIT_READY;
                at = putUuid(destination, at, r.id());
                at = putFixed(destination, at, r.secret(), WireConstants.JOIN_SECRET_LENGTH);
            }
            case Frame.IncomingCircuit r -> {
                destination[at++] = WireConstants.INNER_INCOMING_CIRCUIT;
                at = putUuid(destination, at, r.id());
                at = putFixed(destination, at, r.secret(), WireConstants.JOIN_SECRET_LENGTH);
            }
            case Frame.RelayRefused r -> {
                destination[at++] = WireConstants.INNER_RELAY_REFUSED;
                destination[at++] = r.refusedType();
                at = putUuid(destination, at, r.id());
                destination[at++] = (byte) (r.reason().code() >>> 8);
                destination[at++] = (byte) r.reason().code();
            }
        }
        return at - offset;
    }

    private static int putUuid(byte[] destination, int at, UUID id) {
        at = putLong(destination, at, id.getMostSignificantBits());
        return putLong(destination, at, id.getLeastSignificantBits());
    }

    private static int putFixed(byte[] destination, int at, byte[] value, int length) {
        if (value.length != length) {
            throw new IllegalArgumentException("field must be " + length + " bytes, was " + value.length);
        }
        System.arraycopy(value, 0, destination, at, length);
        return at + length;
    }

    private static int putLong(byte[] destination, int at, long value) {
        for (int i = 0; i < 8; i++) {
            destination[at + i] = (byte) (value >>> (56 - 8 * i));
        }
        return at + 8;
    }

    /**
     * Decodes a record's plaintext as a session of the highest version would; refuses unknown types,
     * wrong lengths and invalid UTF-8.
     */
    public static Frame decode(byte[] plaintext, Limits limits) throws ProtocolException {
        return decode(plaintext, 0, plaintext.length, limits, WireConstants.MAX_VERSION);
    }

    /** Decodes a record's plaintext received on a session of protocol {@code version}. */
    public static Frame decode(byte[] plaintext, Limits limits, int version) throws ProtocolException {
        return decode(plaintext, 0, plaintext.length, limits, version);
    }

    /**
     * Decodes the plaintext at {@code buffer[offset, offset + length)} received on a session of
     * protocol {@code version}: an inner type that version does not have is MALFORMED, as an unknown
     * one. The frame keeps no reference to the buffer.
     */
    static Frame decode(byte[] buffer, int offset, int length, Limits limits, int version) throws ProtocolException {
        if (length < WireConstants.INNER_TYPE_LENGTH) {
            throw new ProtocolException(MALFORMED, "empty record");
        }
        ByteBuffer b = ByteBuffer.wrap(buffer, offset, length);
        byte type = b.get();
        int introducedIn = WireConstants.versionOfInnerType(type);
        if (introducedIn != Integer.MAX_VALUE && introducedIn > version) {
            throw new ProtocolException(MALFORMED, String.format(Locale.ROOT,
                    "inner frame type 0x%02x needs protocol version %d, the session speaks version %d", type,
                    introducedIn, version));
        }
        int bodyLength = b.remaining();
        return switch (type) {
            case WireConstants.INNER_MESSAGE -> {
                if (bodyLength < WireConstants.MESSAGE_FIXED_LENGTH) {
                    throw new ProtocolException(MALFORMED, "MESSAGE body of " + bodyLength + " bytes is shorter than "
                            + WireConstants.MESSAGE_FIXED_LENGTH);
                }
                UUID id = getUuid(b);
                long sentAt = b.getLong();
                int textLength = b.remaining();
                if (textLength > limits.maxMessageBytes()) {
                    throw new ProtocolException(MESSAGE_TOO_LARGE, "message text of " + textLength
                            + " bytes exceeds the limit of " + limits.maxMessageBytes());
                }
                yield new Frame.Message(id, sentAt, strictUtf8(b));
            }
            case WireConstants.INNER_ACK -> {
                expectLength("ACK", bodyLength, WireConstants.ACK_LENGTH);
                yield new Frame.Ack(getUuid(b));
            }
            case WireConstants.INNER_KEEP_ALIVE -> {
                expectLength("KEEP_ALIVE", bodyLength, 0);
                yield new Frame.KeepAlive();
            }
            case WireConstants.INNER_CLOSE -> {
                expectLength("CLOSE", bodyLength, WireConstants.CLOSE_LENGTH);
                yield new Frame.Close(CloseCode.of(b.getShort() & 0xFFFF));
            }
            case WireConstants.INNER_KEY_UPDATE -> {
                expectLength("KEY_UPDATE", bodyLength, 0);
                yield new Frame.KeyUpdate();
            }
            case WireConstants.INNER_RESERVE -> {
                expectLength("RESERVE", bodyLength, 0);
                yield new Frame.Reserve();
            }
            case WireConstants.INNER_RESERVE_OK -> {
                expectLength("RESERVE_OK", bodyLength, WireConstants.RESERVE_OK_LENGTH);
                yield new Frame.ReserveOk(b.getInt() & 0xFFFFFFFFL);
            }
            case WireConstants.INNER_CIRCUIT_REQUEST -> {
                expectLength("CIRCUIT_REQUEST", bodyLength, WireConstants.CIRCUIT_REQUEST_LENGTH);
                UUID id = getUuid(b);
                yield new Frame.CircuitRequest(id, HexFormat.of().formatHex(getFixed(b, WireConstants.PEER_ID_LENGTH)));
            }
            case WireConstants.INNER_CIRCUIT_READY -> {
                expectLength("CIRCUIT_READY", bodyLength, WireConstants.CIRCUIT_READY_LENGTH);
                UUID id = getUuid(b);
                yield new Frame.CircuitReady(id, getFixed(b, WireConstants.JOIN_SECRET_LENGTH));
            }
            case WireConstants.INNER_INCOMING_CIRCUIT -> {
                expectLength("INCOMING_CIRCUIT", bodyLength, WireConstants.INCOMING_CIRCUIT_LENGTH);
                UUID id = getUuid(b);
                yield new Frame.IncomingCircuit(id, getFixed(b, WireConstants.JOIN_SECRET_LENGTH));
            }
            case WireConstants.INNER_RELAY_REFUSED -> {
                expectLength("RELAY_REFUSED", bodyLength, WireConstants.RELAY_REFUSED_LENGTH);
                byte refused = b.get();
                if (refused != WireConstants.INNER_RESERVE && refused != WireConstants.INNER_CIRCUIT_REQUEST) {
                    throw new ProtocolException(MALFORMED, String.format(Locale.ROOT,
                            "RELAY_REFUSED refers to inner type 0x%02x, not RESERVE or CIRCUIT_REQUEST", refused));
                }
                UUID id = getUuid(b);
                yield new Frame.RelayRefused(refused, id, RelayRefusal.of(b.getShort() & 0xFFFF));
            }
            default -> throw new ProtocolException(MALFORMED, String.format(Locale.ROOT, "unknown inner frame type 0x%02x", type));
        };
    }

    private static void expectLength(String what, int actual, int expected) throws ProtocolException {
        if (actual != expected) {
            throw new ProtocolException(MALFORMED, what + " body must be " + expected + " bytes, was " + actual);
        }
    }

    private static String strictUtf8(ByteBuffer b) throws ProtocolException {
        // Fast path, one vectorised pass of the JDK's own decoder: it replaces what is not valid, but
        // when the text has exactly as many chars as bytes and no U+FFFD, each byte was a 1-byte
        // sequence, that is ASCII, which is valid UTF-8 as it is. (A valid multi-byte sequence gives
        // fewer chars than bytes, anything invalid gives U+FFFD; a Latin-1 string, which ASCII is,
        // answers indexOf(U+FFFD) without scanning.) The scalar check it replaces took a third of
        // the receiver's time at 64 KiB.
        String lenient = new String(b.array(), b.arrayOffset() + b.position(), b.remaining(), StandardCharsets.UTF_8);
        if (lenient.length() == b.remaining() && lenient.indexOf('\uFFFD') < 0) {
            return lenient;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(b);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(MALFORMED, "message text is not valid UTF-8");
        }
    }

    private static byte[] getFixed(ByteBuffer b, int length) {
        byte[] out = new byte[length];
        b.get(out);
        return out;
    }

    private static UUID getUuid(ByteBuffer b) {
        return new UUID(b.getLong(), b.getLong());
    }
}
