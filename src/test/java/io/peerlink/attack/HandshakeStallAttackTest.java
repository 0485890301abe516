package io.peerlink.attack;

import static io.peerlink.wire.ProtocolException.Reason.HANDSHAKE_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.transport.ConnectionSettings;
import io.peerlink.transport.PeerConnectionException;
import io.peerlink.handshake.Handshake;
import io.peerlink.wire.RawFrame;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Peers that start a handshake and never finish it: the victim, with a 1 s handshake time-out, cuts
 * them off at the deadline, whether they go silent or trickle bytes slowly enough to defeat a
 * per-read time-out.
 */
class HandshakeStallAttackTest extends AttackFixture {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Generous upper bound for "cut at the deadline" on a loaded machine. */
    private static final Duration CUT_BY = TIMEOUT.plusSeconds(2);

    @Override
    ConnectionSettings victimSettings() {
        return ConnectionSettings.forTests(Wire.LOOPBACK).withHandshakeTimeout(TIMEOUT);
    }

    @Test
    void dropsClientThatStallsHalfwayThroughClientHello() throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            long start = System.nanoTime();
            byte[] hello = legitimateClientHello(attacker).bytes();
            Wire.send(attacker, Arrays.copyOf(hello, hello.length / 2));
            Wire.awaitClosedByPeer(attacker, attacker.getInputStream(), CUT_BY);
            Duration open = Duration.ofNanos(System.nanoTime() - start);
            assertThat(open).isBetween(TIMEOUT.minusMillis(100), CUT_BY);
        }
        assertInboundHandshakeRefused(HANDSHAKE_TIMEOUT, "handshake not complete after 1000 ms",
                "stalled in WAIT_CLIENT_HELLO");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void dropsClientThatTricklesClientHelloOneByteEvery300Ms() throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            long start = System.nanoTime();
            byte[] hello = legitimateClientHello(attacker).bytes();
            Thread trickler = Thread.ofVirtual().name("trickler").start(() -> trickle(attacker, hello));
            try {
                // each byte comes well within a per-read time-out: only the overall deadline stops this
                Wire.awaitClosedByPeer(attacker, attacker.getInputStream(), CUT_BY);
            } finally {
                trickler.interrupt();
            }
            Duration open = Duration.ofNanos(System.nanoTime() - start);
            assertThat(open).isBetween(TIMEOUT.minusMillis(100), CUT_BY);
        }
        assertInboundHandshakeRefused(HANDSHAKE_TIMEOUT, "handshake not complete after 1000 ms",
                "stalled in WAIT_CLIENT_HELLO");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    @Test
    void dropsServerThatStallsHalfwayThroughServerHelloWhenDialled() throws Exception {
        try (ServerSocket server = Wire.listen()) {
            CompletableFuture<byte[]> heard = Wire.serveOnce(server, s -> {
                byte[] hello = new Handshake(Handshake.Role.SERVER, MALLORY, new SecureRandom()).createServerHello()
                        .bytes();
                Wire.send(s, Arrays.copyOf(hello, hello.length / 2));
                return s.getInputStream().readAllBytes(); // until the victim gives up
            });
            long start = System.nanoTime();
            assertThatThrownBy(() -> victim.connect(Wire.LOOPBACK, server.getLocalPort(), null))
                    .isInstanceOfSatisfying(PeerConnectionException.class, e -> {
                        assertThat(e.kind()).isEqualTo(PeerConnectionException.Kind.HANDSHAKE_FAILED);
                        assertThat(e.getMessage()).contains("handshake not complete after 1000 ms");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(TIMEOUT.minusMillis(100), CUT_BY);
            assertThat(heard.get(5, TimeUnit.SECONDS)).isEmpty();
        }
        assertOutboundHandshakeRefused(HANDSHAKE_TIMEOUT, "stalled in WAIT_SERVER_HELLO");
        assertNothingDelivered();
        assertListenerStillServes();
    }

    private static RawFrame legitimateClientHello(Socket attacker) throws Exception {
        Handshake client = new Handshake(Handshake.Role.CLIENT, MALLORY, new SecureRandom());
        client.consumeServerHello(Wire.readFrame(attacker.getInputStream()));
        return client.createClientHello();
    }

    private static void trickle(Socket socket, byte[] bytes) {
        try {
            OutputStream out = socket.getOutputStream();
            for (byte b : bytes) {
                out.write(b);
                out.flush();
                Thread.sleep(300);
            }
        } catch (IOException | InterruptedException e) {
            // the victim hung up, or the test is over
        }
    }
}
