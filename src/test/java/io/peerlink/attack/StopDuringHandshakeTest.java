package io.peerlink.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.handshake.Handshake;
import io.peerlink.wire.Frame;
import io.peerlink.wire.Limits;
import io.peerlink.wire.RecordWriter;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A handshake left half-done while the victim stops: stop() promises that every connection is
 * closed and the peer port released, so a peer that finishes its handshake afterwards must not
 * end up with a live connection into the stopped service, nor deliver anything into its inbox.
 */
class StopDuringHandshakeTest extends AttackFixture {

    @Test
    void handshakeFinishedAfterStopDoesNotBecomeAConnection() throws Exception {
        try (Socket attacker = Wire.dial(victimPort())) {
            Handshake client = new Handshake(Handshake.Role.CLIENT, MALLORY, new SecureRandom());
            client.consumeServerHello(Wire.readFrame(attacker.getInputStream()));
            Wire.send(attacker, client.createClientHello());
            client.consumeServerFinish(Wire.readFrame(attacker.getInputStream()));
            // the victim now waits for CLIENT_FINISH ...
            victim.stop();
            // ... and gets it, followed by a message
            byte[] finish = client.createClientFinish().bytes();
            ByteArrayOutputStream records = new ByteArrayOutputStream();
            new RecordWriter(records, client.split().sendCipher(), Limits.DEFAULTS)
                    .write(new Frame.Message(UUID.randomUUID(), 1L, "after stop"));
            Wire.send(attacker, finish, records.toByteArray());
            Wire.awaitClosedByPeer(attacker, attacker.getInputStream(), Duration.ofSeconds(2));
        }
        assertThat(victim.store().messages().lastCursor()).as("messages delivered into the stopped victim").isZero();
        assertThat(victim.connectedCount()).as("connections of the stopped victim").isZero();
        logs.assertNoStackTraces();
    }
}
