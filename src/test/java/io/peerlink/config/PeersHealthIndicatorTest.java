package io.peerlink.config;

import io.peerlink.support.TestStores;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.messaging.Inbox;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.crypto.CryptoProviders;
import io.peerlink.support.TestIdentities;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class PeersHealthIndicatorTest {

    private static PeerConnectionService service(String name) {
        return new PeerConnectionService(TestIdentities.named(name), ConnectionSettings.forTests("127.0.0.1"),
                TestStores.fresh(), ConnectionObserver.NONE, Clock.systemUTC());
    }

    @Test
    void isUpWhileListeningWithTheConnectedPeerCountAndTheCryptoProviders() throws Exception {
        PeerConnectionService a = service("health-a");
        PeerConnectionService b = service("health-b");
        try {
            a.start();
            b.start();
            b.connect("127.0.0.1", a.listenPort(), null);
            CryptoProviders.accpAvailable(); // waits until ACCP has loaded (or failed to)
            CryptoProviders.Selection providers = CryptoProviders.selection();
            Health health = new PeersHealthIndicator(b).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).isEqualTo(Map.of("listening", true, "connectedPeers", 1,
                    "rsaOaepDecryptProvider", providers.rsaOaepDecrypt(), "aesGcmProvider", providers.aesGcm()));
            assertThat(providers.rsaOaepDecrypt()).matches("(AmazonCorrettoCryptoProvider|SunJCE) .+");
        } finally {
            a.stop();
            b.stop();
        }
    }

    @Test
    void isDownWhenNotListening() throws Exception {
        PeerConnectionService a = service("health-a");
        a.start();
        a.stop();
        Health health = new PeersHealthIndicator(a).health(true);
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("listening", false).containsEntry("connectedPeers", 0);
    }
}
