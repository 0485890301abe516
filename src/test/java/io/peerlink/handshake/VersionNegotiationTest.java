package io.peerlink.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.identity.Identity;
import io.peerlink.support.TestIdentities;
import io.peerlink.wire.Frame;
import io.peerlink.wire.FrameCodec;
import io.peerlink.wire.Limits;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.RecordReader;
import io.peerlink.wire.RecordWriter;
import io.peerlink.wire.WireConstants;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Version 2 peers offer [1, 2]; a version-1 peer still talks to them, in either role. */
class VersionNegotiationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final Identity serverId = TestIdentities.named("server");
    private final Identity clientId = TestIdentities.named("client");

    @Test
    void serverHelloOffersVersionsOneAndTwo() throws Exception {
        RawFrame hello = new Handshake(Handshake.Role.SERVER, serverId, new SecureRandom()).createServerHello();
        assertThat(HandshakeMessage.ServerHello.decode(hello).versions()).containsExactly(1, 2);
        RawFrame v1 = new Handshake(Handshake.Role.SERVER, serverId, new SecureRandom(), 1).createServerHello();
        assertThat(HandshakeMessage.ServerHello.decode(v1).versions()).containsExactly(1);
    }

    @Test
    void twoVersionTwoPeersAgreeOnVersionTwo() throws Exception {
        Session[] s = overSockets(WireConstants.MAX_VERSION, WireConstants.MAX_VERSION);
        assertThat(s[0].version()).isEqualTo(2);
        assertThat(s[1].version()).isEqualTo(2);
    }

    @Test
    void versionOneClientTalksToVersionTwoServer() throws Exception {
        Session[] s = overSockets(2, 1);
        assertThat(s[0].version()).isEqualTo(1);
        assertThat(s[1].version()).isEqualTo(1);
    }

    @Test
    void versionTwoClientTalksToVersionOneServer() throws Exception {
        Session[] s = overSockets(1, 2);
        assertThat(s[0].version()).isEqualTo(1);
        assertThat(s[1].version()).isEqualTo(1);
    }

    @Test
    void serverRefusesAClientThatChoseAVersionItDidNotOffer() throws Exception {
        Handshake server = new Handshake(Handshake.Role.SERVER, serverId, new SecureRandom(), 1);
        Handshake client = new Handshake(Handshake.Role.CLIENT, clientId, new SecureRandom(), 2);
        // the client sees a hello that offers 2 (a tampered one), the server offered only 1
        RawFrame realHello = server.createServerHello();
        HandshakeMessage.ServerHello h = HandshakeMessage.ServerHello.decode(realHello);
        RawFrame forged = new HandshakeMessage.ServerHello(new int[] {1, 2}, h.spki(), h.ephemeralKey(),
                h.encapsulationKey(), h.nonce()).encode();
        client.consumeServerHello(forged);
        RawFrame clientHello = client.createClientHello();
        assertThatThrownBy(() -> server.consumeClientHello(clientHello))
                .isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).reason())
                .isEqualTo(ProtocolException.Reason.UNSUPPORTED_VERSION);
    }

    @Test
    void refusesAnUnknownMaximumVersion() {
        assertThatThrownBy(() -> new Handshake(Handshake.Role.CLIENT, clientId, new SecureRandom(), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Handshake(Handshake.Role.CLIENT, clientId, new SecureRandom(),
                WireConstants.MAX_VERSION + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void versionOneSessionRefusesInnerTypesOfVersionTwo() {
        for (int type : new int[] {0x06, 0x10, 0x1F, 0x20, 0x2F}) {
            assertThatThrownBy(() -> FrameCodec.decode(new byte[] {(byte) type}, Limits.DEFAULTS, 1))
                    .isInstanceOf(ProtocolException.class)
                    .hasMessageContaining("needs protocol version 2")
                    .extracting(e -> ((ProtocolException) e).reason())
                    .isEqualTo(ProtocolException.Reason.MALFORMED);
        }
        assertThat(WireConstants.versionOfInnerType((byte) 0x05)).isEqualTo(1);
        assertThat(WireConstants.versionOfInnerType((byte) 0x30)).isEqualTo(Integer.MAX_VALUE);
    }

    /** A real loopback handshake; [server session, client session]; a message goes each way. */
    private Session[] overSockets(int serverMax, int clientMax) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket listening = new ServerSocket(0, 1, loopback);
                Socket clientSocket = new Socket(loopback, listening.getLocalPort());
                Socket serverSocket = listening.accept()) {
            CompletableFuture<Session> serverSide = CompletableFuture.supplyAsync(() -> {
                try {
                    return HandshakeDriver.server(serverSocket, serverSocket.getInputStream(),
                            serverSocket.getOutputStream(), serverId, new SecureRandom(), TIMEOUT, TIMEOUT,
                            Runnable::run, null, () -> true, serverMax);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Session client = HandshakeDriver.client(clientSocket, clientSocket.getInputStream(),
                    clientSocket.getOutputStream(), clientId, new SecureRandom(), TIMEOUT, peer -> true, null, clientMax);
            Session server = serverSide.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            UUID id = UUID.randomUUID();
            new RecordWriter(clientSocket.getOutputStream(), client.sendCipher(), Limits.DEFAULTS)
                    .write(new Frame.Message(id, 1, "hello"));
            RecordReader serverReader = new RecordReader(serverSocket.getInputStream(), server.receiveCipher(),
                    Limits.DEFAULTS, server.version());
            assertThat(serverReader.read()).isEqualTo(new Frame.Message(id, 1, "hello"));
            new RecordWriter(serverSocket.getOutputStream(), server.sendCipher(), Limits.DEFAULTS).write(new Frame.Ack(id));
            RecordReader clientReader = new RecordReader(clientSocket.getInputStream(), client.receiveCipher(),
                    Limits.DEFAULTS, client.version());
            assertThat(clientReader.read()).isEqualTo(new Frame.Ack(id));
            return new Session[] {server, client};
        }
    }
}
