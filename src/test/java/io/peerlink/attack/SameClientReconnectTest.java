package io.peerlink.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.messaging.PeerState;
import io.peerlink.messaging.PeerView;
import io.peerlink.store.StoredMessage;
import io.peerlink.wire.CloseCode;
import io.peerlink.wire.Frame;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * docs/PROTOCOL.md section 9, "one connection per pair of peers", at the protocol level: two real
 * handshakes from the same client identity. The newer connection replaces the older, which gets
 * CLOSE DUPLICATE; the newer carries messages both ways.
 */
class SameClientReconnectTest extends AttackFixture {

    @Test
    void theNewerConnectionFromTheSameClientReplacesTheOlderWhichGetsCloseDuplicate() throws Exception {
        try (HandClient older = HandClient.connect(victimPort(), MALLORY)) {
            Frame.Message first = message("over the older connection");
            older.send(older.seal(first));
            assertThat(older.awaitAck(first.id())).as("the older connection works").isTrue();

            try (HandClient newer = HandClient.connect(victimPort(), MALLORY)) {
                assertThat(older.awaitClose()).as("what the older connection gets")
                        .isEqualTo(new Frame.Close(CloseCode.DUPLICATE));
                older.awaitClosedByPeer();

                Frame.Message second = message("over the newer connection");
                newer.send(newer.seal(second));
                assertThat(newer.awaitAck(second.id())).as("the newer connection carries messages").isTrue();
                // the victim's messages to Mallory go over the newer one too
                String reply = "reply " + UUID.randomUUID();
                victim.send(MALLORY.peerId(), reply);
                assertThat(newer.awaitMessage()).extracting(Frame.Message::text).isEqualTo(reply);

                assertThat(victim.connectedCount()).isEqualTo(1);
                assertThat(victim.peer(MALLORY.peerId())).map(PeerView::state).contains(PeerState.CONNECTED);
            }
        }
        List<StoredMessage> inbox = victim.inbox().poll(0, 100, null, Wire.PATIENCE).messages();
        assertThat(inbox).extracting(StoredMessage::text)
                .containsExactly("over the older connection", "over the newer connection");
        logs.assertNoStackTraces();
    }

    private static Frame.Message message(String text) {
        return new Frame.Message(UUID.randomUUID(), System.currentTimeMillis(), text);
    }
}
