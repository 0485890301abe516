package io.peerlink.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.store.StoredMessage;
import io.peerlink.support.TestIdentities;
import io.peerlink.support.TestStores;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A peer that speaks only protocol version 1 and one that speaks version 2 exchange messages, either dialling. */
class VersionInteropTest {

    private final PeerConnectionService old = new PeerConnectionService(TestIdentities.named("alice"),
            ConnectionSettings.forTests("127.0.0.1").withMaxProtocolVersion(1), TestStores.fresh(),
            ConnectionObserver.NONE, Clock.systemUTC());
    private final PeerConnectionService current = new PeerConnectionService(TestIdentities.named("bob"),
            ConnectionSettings.forTests("127.0.0.1"), TestStores.fresh(), ConnectionObserver.NONE, Clock.systemUTC());

    @AfterEach
    void stop() {
        old.stop();
        current.stop();
    }

    @Test
    void versionOneDiallerAndVersionTwoListenerExchangeMessages() throws Exception {
        old.start();
        current.start();
        old.connect("127.0.0.1", current.listenPort(), null);
        exchange();
    }

    @Test
    void versionTwoDiallerAndVersionOneListenerExchangeMessages() throws Exception {
        old.start();
        current.start();
        current.connect("127.0.0.1", old.listenPort(), null);
        exchange();
    }

    private void exchange() throws Exception {
        // each side sends once the other is recorded in its store (an inbound peer is recorded just
        // after its connection attaches, without the dialler waiting for it)
        PeerConnectionServiceTest.await(() -> old.store().peers().find(current.identity().peerId()).isPresent()
                && current.store().peers().find(old.identity().peerId()).isPresent());
        old.send(current.identity().peerId(), "from version 1");
        assertThat(current.inbox().poll(0, 10, null, Duration.ofSeconds(5)).messages())
                .extracting(StoredMessage::text).containsExactly("from version 1");
        current.send(old.identity().peerId(), "from version 2");
        assertThat(old.inbox().poll(0, 10, null, Duration.ofSeconds(5)).messages())
                .extracting(StoredMessage::text).containsExactly("from version 2");
    }
}
