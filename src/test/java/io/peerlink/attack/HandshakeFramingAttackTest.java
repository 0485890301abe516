package io.peerlink.attack;

import static io.peerlink.wire.ProtocolException.Reason.FRAME_TOO_LARGE;
import static io.peerlink.wire.ProtocolException.Reason.GARBAGE;
import static io.peerlink.wire.ProtocolException.Reason.MALFORMED;
import static io.peerlink.wire.ProtocolException.Reason.TRUNCATED;
import static io.peerlink.wire.ProtocolException.Reason.UNEXPECTED_FRAME;
import static io.peerlink.wire.ProtocolException.Reason.UNSUPPORTED_VERSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.transport.PeerConnectionException;
import io.peerlink.handshake.Handshake;
import io.peerlink.handshake.HandshakeMessage.ServerHello;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad framing and bad versions during the handshake: garbage instead of a hello or a finish,
 * unsupported versions in either direction, truncated hellos, oversized length prefixes.
 */
class HandshakeFramingAttackTest extends AttackFixture {

    // ------------------------------------------------------------------ garbage before the handshake

    @Test
    void refusesHttpRequestInsteadOfClientHello() throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            Wire.send(attacker, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Wire.awaitClosedByPeer(attacker);
        }
        // "GET " read as a length prefix: 0x47455420 bytes, far above the handshake limit
        assertInboundHandshakeRefused(FRAME_TOO_LARGE, "length prefix 1195725856 exceeds the limit of 4096 bytes");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesRandomBytesInsteadOfClientHello() throws Exception {
        byte[] garbage = new byte[1024];
        new Random(20240917L).nextBytes(garbage);
        long prefix = ((garbage[0] & 0xFFL) << 24) | ((garbage[1] & 0xFF) << 16) | ((garbage[2] & 0xFF) << 8)
                | (garbage[3] & 0xFF);
        assertThat(prefix).as("this seed's garbage reads as a length prefix above the limit")
                .isGreaterThan(WireConstants.MAX_HANDSHAKE_FRAME_LENGTH);
        try (Socket attacker = Wire.dial(victimPort())) {
            Wire.send(attacker, garbage);
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(FRAME_TOO_LARGE, "length prefix " + prefix);
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesUnknownFrameTypeInsteadOfClientHello() throws Exception {
        byte[] body = new byte[32];
        new SecureRandom().nextBytes(body);
        try (Socket attacker = Wire.dial(victimPort())) {
            Wire.send(attacker, RawFrame.of((byte) 0x99, body));
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(GARBAGE, "frame type 0x99 where CLIENT_HELLO (0x02) was expected");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    // ------------------------------------------------------------------ garbage during the handshake

    @Test
    void refusesGarbageInsteadOfClientFinish() throws Exception {
        byte[] junk = new byte[48];
        new SecureRandom().nextBytes(junk);
        try (Socket attacker = Wire.dial(victimPort())) {
            startHandshakeUpToServerFinish(attacker);
            Wire.send(attacker, RawFrame.of((byte) 0x99, junk));
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(GARBAGE, "frame type 0x99 where CLIENT_FINISH (0x04) was expected");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesRecordInsteadOfClientFinish() throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            startHandshakeUpToServerFinish(attacker);
            // a record before the handshake is complete: a peerlink frame, out of order
            Wire.send(attacker, RawFrame.of(WireConstants.TYPE_RECORD, new byte[48]));
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(UNEXPECTED_FRAME, "frame type 0x17 where CLIENT_FINISH (0x04) was expected");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesHttpTextInTheMiddleOfTheHandshake() throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            startHandshakeUpToServerFinish(attacker);
            Wire.send(attacker, "HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Wire.awaitClosedByPeer(attacker);
        }
        // "HTTP" read as a length prefix: 0x48545450
        assertInboundHandshakeRefused(FRAME_TOO_LARGE, "length prefix 1213486160 exceeds the limit of 4096 bytes");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    // ------------------------------------------------------------------ unsupported version

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {0, 3, 0xFFFF})
    void refusesUnsupportedVersionChosenByClient(int version) throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            Handshake client = new Handshake(Handshake.Role.CLIENT, MALLORY, new SecureRandom());
            client.consumeServerHello(Wire.readFrame(attacker.getInputStream()));
            RawFrame hello = Hellos.withVersion(Hellos.clientHello(client.createClientHello(), VICTIM), version).encode();
            Wire.send(attacker, hello);
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(UNSUPPORTED_VERSION, "client chose version " + version + ", which was not offered");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesServerOfferingOnlyUnsupportedVersion() throws Exception {
        try (ServerSocket server = Wire.listen()) {
            CompletableFuture<byte[]> heard = Wire.serveOnce(server, s -> {
                Handshake hs = new Handshake(Handshake.Role.SERVER, MALLORY, new SecureRandom());
                Wire.send(s, Hellos.withVersions(ServerHello.decode(hs.createServerHello()), 7).encode());
                return s.getInputStream().readAllBytes();
            });
            assertThatThrownBy(() -> victim.connect(Wire.LOOPBACK, server.getLocalPort(), null))
                    .isInstanceOfSatisfying(PeerConnectionException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PeerConnectionException.Kind.HANDSHAKE_FAILED);
                        assertThat(e.getMessage()).contains("server offers versions [7], none of which is supported");
                    });
            // the victim hung up without answering: its identity was not revealed
            assertThat(heard.get(5, TimeUnit.SECONDS)).isEmpty();
        }
        assertOutboundHandshakeRefused(UNSUPPORTED_VERSION, "versions [7]");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    // ------------------------------------------------------------------ truncated hello

    @Test
    void refusesClientHelloCutShortByEndOfStream() throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            Wire.send(attacker, RawFrame.header(WireConstants.TYPE_CLIENT_HELLO, 1000), new byte[100]);
            attacker.shutdownOutput();
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(TRUNCATED, "stream ended after 100 of 1000 bytes of the frame body");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesFrameHeaderCutShortByEndOfStream() throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            Wire.send(attacker, Arrays.copyOf(RawFrame.header(WireConstants.TYPE_CLIENT_HELLO, 1000), 3));
            attacker.shutdownOutput();
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(TRUNCATED, "stream ended after 2 of 4 bytes of the frame header");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesClientHelloWhoseFieldsAreShort() throws Exception {
        byte[] body = new byte[2 + 10]; // version 0, then 10 of the 32 bytes of an X25519 key
        body[1] = 1;
        try (Socket attacker = Wire.dial(victimPort())) {
            Wire.send(attacker, RawFrame.of(WireConstants.TYPE_CLIENT_HELLO, body));
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(MALFORMED, "CLIENT_HELLO truncated: X25519 key needs 32 bytes, 10 left");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesClientHelloWhoseLastFieldIsShorterThanItsLength() throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            Handshake client = new Handshake(Handshake.Role.CLIENT, MALLORY, new SecureRandom());
            client.consumeServerHello(Wire.readFrame(attacker.getInputStream()));
            byte[] body = client.createClientHello().body();
            // a well-formed frame around a body that lost its last 5 bytes
            Wire.send(attacker, RawFrame.of(WireConstants.TYPE_CLIENT_HELLO, Arrays.copyOf(body, body.length - 5)));
            Wire.awaitClosedByPeer(attacker);
        }
        assertInboundHandshakeRefused(MALFORMED, "CLIENT_HELLO truncated: encrypted identity needs");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void refusesServerHelloCutShortWhenDialling() throws Exception {
        try (ServerSocket server = Wire.listen()) {
            CompletableFuture<byte[]> heard = Wire.serveOnce(server, s -> {
                RawFrame hello = new Handshake(Handshake.Role.SERVER, MALLORY, new SecureRandom()).createServerHello();
                Wire.send(s, Arrays.copyOf(hello.bytes(), hello.bytes().length / 2));
                s.shutdownOutput();
                return s.getInputStream().readAllBytes();
            });
            assertThatThrownBy(() -> victim.connect(Wire.LOOPBACK, server.getLocalPort(), null))
                    .isInstanceOfSatisfying(PeerConnectionException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PeerConnectionException.Kind.HANDSHAKE_FAILED);
                        assertThat(e.getMessage()).contains("stream ended after");
                    });
            assertThat(heard.get(5, TimeUnit.SECONDS)).isEmpty();
        }
        assertOutboundHandshakeRefused(TRUNCATED, "bytes of the frame body");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    // ------------------------------------------------------------------ oversized length prefix

    @ParameterizedTest(name = "length prefix {0}")
    @ValueSource(longs = {0x7FFF_FFFFL, 0xFFFF_FFFFL, WireConstants.MAX_HANDSHAKE_FRAME_LENGTH + 1})
    void refusesOversizedLengthPrefixBeforeReadingTheBody(long length) throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            // the header alone: no body follows, and the output stays open
            Wire.send(attacker, RawFrame.header(WireConstants.TYPE_CLIENT_HELLO, (int) length));
            Duration closedAfter = Wire.awaitClosedByPeer(attacker, attacker.getInputStream(), Duration.ofSeconds(2));
            assertThat(closedAfter).isLessThan(victimSettings().handshakeTimeout());
        }
        assertInboundHandshakeRefused(FRAME_TOO_LARGE,
                "length prefix " + length + " exceeds the limit of " + WireConstants.MAX_HANDSHAKE_FRAME_LENGTH);
        assertNothingDelivered();
        assertListenerStillServes();
    }

    /** Legitimate SERVER_HELLO and CLIENT_HELLO as Mallory, then reads the victim's SERVER_FINISH. */
    private static void startHandshakeUpToServerFinish(Socket attacker) throws Exception {
        Handshake client = new Handshake(Handshake.Role.CLIENT, MALLORY, new SecureRandom());
        client.consumeServerHello(Wire.readFrame(attacker.getInputStream()));
        Wire.send(attacker, client.createClientHello());
        RawFrame finish = Wire.readFrame(attacker.getInputStream());
        assertThat(finish.type()).isEqualTo(WireConstants.TYPE_SERVER_FINISH);
    }
}
