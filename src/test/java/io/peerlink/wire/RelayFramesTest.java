package io.peerlink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The relay's control frames (version 2): layouts, lengths, reasons, and the version gate. */
class RelayFramesTest {

    private static final UUID ID = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
    private static final String PEER = "ab".repeat(32);
    private static final byte[] SECRET = new byte[32];

    private static List<Frame> frames() {
        Arrays.fill(SECRET, (byte) 7);
        return List.of(new Frame.Reserve(), new Frame.ReserveOk(0xFFFFFFFFL), new Frame.CircuitRequest(ID, PEER),
                new Frame.CircuitReady(ID, SECRET), new Frame.IncomingCircuit(ID, SECRET),
                new Frame.RelayRefused(WireConstants.INNER_RESERVE, new UUID(0, 0), RelayRefusal.NOT_ALLOWED));
    }

    @Test
    void everyRelayFrameRoundTripsOnAVersionTwoSession() throws Exception {
        for (Frame f : frames()) {
            byte[] encoded = FrameCodec.encode(f);
            byte[] again = FrameCodec.encode(FrameCodec.decode(encoded, Limits.DEFAULTS, 2));
            assertThat(again).as(f.toString()).isEqualTo(encoded);
        }
        Frame.CircuitRequest r = (Frame.CircuitRequest) FrameCodec.decode(FrameCodec.encode(
                new Frame.CircuitRequest(ID, PEER)), Limits.DEFAULTS, 2);
        assertThat(r.id()).isEqualTo(ID);
        assertThat(r.targetPeerId()).isEqualTo(PEER);
        assertThat(((Frame.ReserveOk) FrameCodec.decode(HexFormat.of().parseHex("11ffffffff"), Limits.DEFAULTS, 2))
                .lifetimeSeconds()).isEqualTo(0xFFFFFFFFL);
    }

    @Test
    void everyRelayFrameIsMalformedOnAVersionOneSession() {
        for (Frame f : frames()) {
            assertThatThrownBy(() -> FrameCodec.decode(FrameCodec.encode(f), Limits.DEFAULTS, 1))
                    .as(f.toString()).isInstanceOf(ProtocolException.class)
                    .extracting(e -> ((ProtocolException) e).reason()).isEqualTo(ProtocolException.Reason.MALFORMED);
        }
    }

    @Test
    void refusesTruncatedAndOverlongRelayBodies() {
        for (Frame f : frames()) {
            byte[] encoded = FrameCodec.encode(f);
            byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
            assertThatThrownBy(() -> FrameCodec.decode(longer, Limits.DEFAULTS, 2)).as("longer " + f)
                    .isInstanceOf(ProtocolException.class);
            if (encoded.length > 1) {
                byte[] shorter = Arrays.copyOf(encoded, encoded.length - 1);
                assertThatThrownBy(() -> FrameCodec.decode(shorter, Limits.DEFAULTS, 2)).as("shorter " + f)
                        .isInstanceOf(ProtocolException.class)
                        .hasMessageContaining("body must be");
            }
        }
    }

    @Test
    void refusesARefusalOfAnotherRequestTypeAndReservedRelayTypes() {
        byte[] refused = FrameCodec.encode(new Frame.RelayRefused(WireConstants.INNER_CIRCUIT_REQUEST, ID,
                RelayRefusal.CIRCUIT_LIMIT));
        refused[1] = WireConstants.INNER_MESSAGE;
        assertThatThrownBy(() -> FrameCodec.decode(refused, Limits.DEFAULTS, 2))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("not RESERVE or CIRCUIT_REQUEST");
        assertThatThrownBy(() -> FrameCodec.decode(new byte[] {0x16}, Limits.DEFAULTS, 2))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("unknown inner frame type 0x16");
    }

    @Test
    void reasonCodesAreThoseOfTheSpecAndUnknownCodesStayUnknown() {
        assertThat(RelayRefusal.RELAY_DISABLED.code()).isEqualTo(1);
        assertThat(RelayRefusal.NOT_ALLOWED.code()).isEqualTo(2);
        assertThat(RelayRefusal.RESERVATION_LIMIT.code()).isEqualTo(3);
        assertThat(RelayRefusal.NO_RESERVATION.code()).isEqualTo(4);
        assertThat(RelayRefusal.CIRCUIT_LIMIT.code()).isEqualTo(5);
        assertThat(RelayRefusal.PEER_CIRCUIT_LIMIT.code()).isEqualTo(6);
        assertThat(RelayRefusal.SELF.code()).isEqualTo(7);
        assertThat(RelayRefusal.of(0x1234)).isEqualTo(RelayRefusal.UNKNOWN);
    }
}
