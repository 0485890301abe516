package io.peerlink.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.support.TestIdentities;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two services over real loopback sockets, no Spring. */
class PeerConnectionServiceTest {

    private final PeerConnectionService alice = service("alice", "127.0.0.1");
    private final PeerConnectionService bob = service("bob", "127.0.0.1");

    static PeerConnectionService service(String name, String host) {
        return new PeerConnectionService(TestIdentities.named(name), ConnectionSettings.forTests(host),
                new Inbox(100, Clock.systemUTC()), ConnectionObserver.NONE, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        alice.stop();
        bob.stop();
    }

    @Test
    void deliversMessagesBothWaysAndAcknowledgesThem() throws Exception {
        alice.start();
        bob.start();
        PeerView view = bob.connect("127.0.0.1", alice.listenPort(), null);
        assertThat(view.peerId()).isEqualTo(alice.identity().peerId());
        assertThat(view.state()).isEqualTo(PeerState.CONNECTED);
        assertThat(view.direction()).isEqualTo(Direction.OUTBOUND);

        bob.send(null, "hi alice");
        Inbox.Page page = alice.inbox().poll(0, 10, null, Duration.ofSeconds(5));
        assertThat(page.messages()).extracting(InboundMessage::text).containsExactly("hi alice");
        assertThat(page.messages().getFirst().from()).isEqualTo(bob.identity().peerId());

        alice.send(bob.identity().peerId(), "hi bob");
        assertThat(bob.inbox().poll(0, 10, null, Duration.ofSeconds(5)).messages())
                .extracting(InboundMessage::text).containsExactly("hi bob");
        assertThat(alice.peer(bob.identity().peerId()).orElseThrow().safetyNumber())
                .isEqualTo(view.safetyNumber());
    }

    @Test
    void connectingTwiceGivesBackTheExistingConnection() throws Exception {
        alice.start();
        bob.start();
        bob.connect("127.0.0.1", alice.listenPort(), null);
        PeerView again = bob.connect("127.0.0.1", alice.listenPort(), null);
        assertThat(again.state()).isEqualTo(PeerState.CONNECTED);
        assertThat(bob.peers()).hasSize(1);
        assertThat(bob.connectedCount()).isEqualTo(1);
    }

    @Test
    void refusesServerWithUnexpectedFingerprint() throws Exception {
        alice.start();
        bob.start();
        assertThatThrownBy(() -> bob.connect("127.0.0.1", alice.listenPort(), "00".repeat(32)))
                .isInstanceOf(PeerConnectionException.class)
                .extracting(e -> ((PeerConnectionException) e).kind())
                .isEqualTo(PeerConnectionException.Kind.FINGERPRINT_MISMATCH);
        assertThat(bob.peers()).isEmpty();
    }
}
