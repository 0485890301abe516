package io.peerlink.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.identity.Identity;
import io.peerlink.support.TestIdentities;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.Frame;
import io.peerlink.wire.Limits;
import io.peerlink.wire.RecordReader;
import io.peerlink.wire.RecordWriter;
import io.peerlink.wire.WireConstants;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * docs/PROTOCOL.md section 7: a client's GRANT is taken only as its first record on a version-2
 * session; anywhere else it ends the connection with CLOSE PROTOCOL_ERROR and reaches no handler.
 */
class GrantFrameTest {

    private static final Identity SERVER = TestIdentities.named("alice");
    private static final Identity CLIENT = TestIdentities.named("bob");

    /** Counts what it is told, and keeps the grants it gets. */
    private static final class GrantHandler extends TestConnections.CountingHandler {
        final List<byte[]> grants = new CopyOnWriteArrayList<>();

        @Override
        public void onGrant(PeerConnection connection, Frame.Grant grant) {
            grants.add(grant.token());
        }
    }

    @Test
    void aGrantAsTheClientsFirstRecordReachesTheHandler() throws Exception {
        GrantHandler handler = new GrantHandler();
        byte[] token = new byte[32];
        java.util.Arrays.fill(token, (byte) 7);
        try (TestConnections.Pair pair = TestConnections.inbound(SERVER, CLIENT, Slot.NONE, handler)) {
            assertThat(pair.connection().peer().peerId()).isEqualTo(CLIENT.peerId());
            assertThat(pair.clientSession().version()).isEqualTo(WireConstants.VERSION_2);
            pair.connection().start();
            RecordWriter client = new RecordWriter(pair.clientSocket().getOutputStream(),
                    pair.clientSession().sendCipher(), Limits.DEFAULTS);
            client.write(new Frame.Grant(token));
            client.write(new Frame.Message(UUID.randomUUID(), 0, "after the grant"));
            await(() -> handler.grants.size() == 1);
            assertThat(handler.grants.getFirst()).isEqualTo(token);
            assertThat(pair.connection().isOpen()).isTrue();
        }
    }

    @Test
    void aGrantAfterAnotherRecordEndsTheConnectionWithAProtocolError() throws Exception {
        GrantHandler handler = new GrantHandler();
        try (TestConnections.Pair pair = TestConnections.inbound(SERVER, CLIENT, Slot.NONE, handler)) {
            pair.connection().start();
            RecordWriter client = new RecordWriter(pair.clientSocket().getOutputStream(),
                    pair.clientSession().sendCipher(), Limits.DEFAULTS);
            client.write(new Frame.KeepAlive());
            client.write(new Frame.Grant(new byte[16]));
            RecordReader fromServer = new RecordReader(pair.clientSocket().getInputStream(),
                    pair.clientSession().receiveCipher(), Limits.DEFAULTS, WireConstants.VERSION_2);
            pair.clientSocket().setSoTimeout(10_000);
            Frame last = null;
            for (Frame f = fromServer.read(); f != null; f = fromServer.read()) {
                last = f;
                if (f instanceof Frame.Close) {
                    break;
                }
            }
            assertThat(last).isEqualTo(new Frame.Close(CloseCode.PROTOCOL_ERROR));
            await(() -> handler.closed.get() == 1);
            assertThat(handler.grants).isEmpty();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
