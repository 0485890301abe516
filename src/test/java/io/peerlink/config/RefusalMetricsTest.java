package io.peerlink.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.support.TestIdentities;
import io.peerlink.support.TestStores;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A connection refused before its handshake shows in {@code peerlink.handshakes} with its reason as the outcome,
 * through the Micrometer observer the application wires in.
 */
class RefusalMetricsTest {

    @Test
    void aConnectionOverThePerAddressBudgetIsCountedByReason() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PeerConnectionService victim = new PeerConnectionService(TestIdentities.named("victim"),
                ConnectionSettings.forTests("127.0.0.1").withHandshakeBudget(32, 1), TestStores.fresh(),
                new MicrometerConnectionObserver(registry), Clock.systemUTC());
        victim.start();
        try (Socket held = dial(victim); Socket refused = dial(victim)) {
            assertThat(held.getInputStream().read()).as("the first gets SERVER_HELLO").isNotNegative();
            assertThat(readToEnd(refused.getInputStream())).as("the second gets nothing").isZero();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (count(registry) < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(count(registry)).isEqualTo(1);
        } finally {
            victim.stop();
        }
    }

    private static double count(SimpleMeterRegistry registry) {
        var counter = registry.find("peerlink.handshakes")
                .tags("outcome", "max-handshakes-per-address", "direction", "inbound").counter();
        return counter == null ? 0 : counter.count();
    }

    private static Socket dial(PeerConnectionService victim) throws Exception {
        Socket s = new Socket();
        s.bind(new InetSocketAddress("127.0.5.4", 0));
        s.connect(new InetSocketAddress("127.0.0.1", victim.listenPort()), 5000);
        s.setSoTimeout(5000);
        return s;
    }

    private static int readToEnd(InputStream in) throws Exception {
        int n = 0;
        try {
            while (in.read() >= 0) {
                n++;
            }
        } catch (java.net.SocketException e) {
            // reset: closed as well
        }
        return n;
    }
}
