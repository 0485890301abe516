package io.peerlink.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.identity.Identity;
import io.peerlink.support.TestIdentities;
import io.peerlink.wire.Frame;
import io.peerlink.wire.Limits;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.RecordReader;
import io.peerlink.wire.RecordWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Two in-memory peers run the handshake message by message. */
class HandshakeTest {

    private final Identity serverId = TestIdentities.named("server");
    private final Identity clientId = TestIdentities.named("client");

    @Test
    void transcriptHashesAreEqualAfterEveryHandshakeMessage() throws Exception {
        Handshake server = new Handshake(Handshake.Role.SERVER, serverId, new SecureRandom());
        Handshake client = new Handshake(Handshake.Role.CLIENT, clientId, new SecureRandom());

        assertThat(server.transcriptHash()).isEqualTo(client.transcriptHash());
        client.consumeServerHello(server.createServerHello());
        assertThat(server.transcriptHash()).isEqualTo(client.transcriptHash());
        server.consumeClientHello(client.createClientHello());
        assertThat(server.transcriptHash()).isEqualTo(client.transcriptHash());
        client.consumeServerFinish(server.createServerFinish());
        assertThat(server.transcriptHash()).isEqualTo(client.transcriptHash());
        server.consumeClientFinish(client.createClientFinish());
        assertThat(server.transcriptHash()).isEqualTo(client.transcriptHash());

        Session s = server.split();
        Session c = client.split();
        assertThat(s.peer().peerId()).isEqualTo(clientId.peerId());
        assertThat(c.peer().peerId()).isEqualTo(serverId.peerId());
        assertThat(s.handshakeHash()).isEqualTo(c.handshakeHash());
    }

    @Test
    void deliversMessagesBothWaysAfterHandshake() throws Exception {
        Session[] sessions = handshake();
        assertThat(roundTrip(sessions[1], sessions[0], "hello server", Limits.DEFAULTS)).isEqualTo("hello server");
        assertThat(roundTrip(sessions[0], sessions[1], "hello client ✓", Limits.DEFAULTS)).isEqualTo("hello client ✓");
    }

    @Test
    void trafficFlowsAcrossManyKeyUpdates() throws Exception {
        Session[] sessions = handshake();
        Limits tiny = new Limits(Limits.DEFAULT_MAX_FRAME_LENGTH, Limits.DEFAULT_MAX_MESSAGE_BYTES, 3);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        RecordWriter writer = new RecordWriter(wire, sessions[1].sendCipher(), tiny);
        for (int i = 0; i < 20; i++) {
            writer.write(new Frame.Message(new UUID(0, i), i, "message " + i));
        }
        // 20 frames, one KEY_UPDATE after every 3 records under a key
        assertThat(writer.recordsSent()).isGreaterThan(20);
        RecordReader reader = new RecordReader(new ByteArrayInputStream(wire.toByteArray()),
                sessions[0].receiveCipher(), tiny);
        for (int i = 0; i < 20; i++) {
            assertThat(((Frame.Message) reader.read()).text()).isEqualTo("message " + i);
        }
        assertThat(reader.read()).isNull();
    }

    @Test
    void refusesStepsOutOfOrder() {
        Handshake client = new Handshake(Handshake.Role.CLIENT, clientId, new SecureRandom());
        assertThatThrownBy(client::createClientHello).isInstanceOf(IllegalStateException.class);
        Handshake server = new Handshake(Handshake.Role.SERVER, serverId, new SecureRandom());
        RawFrame hello = server.createServerHello();
        assertThatThrownBy(() -> server.consumeClientHello(hello))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("0x01");
        assertThat(server.state()).isEqualTo(Handshake.State.FAILED);
    }

    Session[] handshake() throws Exception {
        Handshake server = new Handshake(Handshake.Role.SERVER, serverId, new SecureRandom());
        Handshake client = new Handshake(Handshake.Role.CLIENT, clientId, new SecureRandom());
        client.consumeServerHello(server.createServerHello());
        server.consumeClientHello(client.createClientHello());
        client.consumeServerFinish(server.createServerFinish());
        server.consumeClientFinish(client.createClientFinish());
        return new Session[] {server.split(), client.split()};
    }

    static String roundTrip(Session from, Session to, String text, Limits limits) throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        new RecordWriter(wire, from.sendCipher(), limits).write(new Frame.Message(UUID.randomUUID(), 1L, text));
        Frame frame = new RecordReader(new ByteArrayInputStream(wire.toByteArray()), to.receiveCipher(), limits).read();
        return ((Frame.Message) frame).text();
    }
}
