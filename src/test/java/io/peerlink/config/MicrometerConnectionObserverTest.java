package io.peerlink.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peerlink.transport.Direction;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MicrometerConnectionObserverTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerConnectionObserver observer = new MicrometerConnectionObserver(registry);

    @Test
    void countsMessagesBytesAndRejections() {
        observer.messageSent();
        observer.messageSent();
        observer.messageReceived();
        observer.messageRejected("BAD_MAC");
        observer.bytesIn(100);
        observer.bytesOut(40);
        observer.bytesOut(2);
        assertThat(registry.get("peerlink.messages.sent").counter().count()).isEqualTo(2);
        assertThat(registry.get("peerlink.messages.received").counter().count()).isEqualTo(1);
        assertThat(registry.get("peerlink.messages.rejected").tag("reason", "bad_mac").counter().count()).isEqualTo(1);
        assertThat(registry.get("peerlink.network.received").counter().count()).isEqualTo(100);
        assertThat(registry.get("peerlink.network.sent").counter().count()).isEqualTo(42);
        assertThat(registry.get("peerlink.network.sent").counter().getId().getBaseUnit()).isEqualTo("bytes");
    }

    @Test
    void countsHandshakesByOutcomeAndDirection() {
        observer.handshakeSucceeded(Direction.INBOUND, TimeUnit.MILLISECONDS.toNanos(25));
        observer.handshakeFailed(Direction.OUTBOUND, "unreachable");
        observer.handshakeFailed(Direction.OUTBOUND, "unreachable");
        assertThat(registry.get("peerlink.handshakes").tags("outcome", "success", "direction", "inbound")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("peerlink.handshakes").tags("outcome", "success", "direction", "outbound")
                .counter().count()).isZero();
        assertThat(registry.get("peerlink.handshakes").tags("outcome", "unreachable", "direction", "outbound")
                .counter().count()).isEqualTo(2);
        assertThat(registry.find("peerlink.handshakes").tag("outcome", "none").counter()).isNull();
        // a failure never counts as a success, whatever its reason says
        observer.handshakeFailed(Direction.INBOUND, "SUCCESS");
        assertThat(registry.get("peerlink.handshakes").tags("outcome", "success", "direction", "inbound")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void timesSuccessfulHandshakesInAHistogramByDirection() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerConnectionObserver observer = new MicrometerConnectionObserver(registry);
        observer.handshakeSucceeded(Direction.OUTBOUND, TimeUnit.MILLISECONDS.toNanos(40));
        observer.handshakeSucceeded(Direction.OUTBOUND, TimeUnit.MILLISECONDS.toNanos(60));
        observer.handshakeFailed(Direction.OUTBOUND, "timeout");
        Timer outbound = registry.get("peerlink.handshake.duration").tag("direction", "outbound").timer();
        assertThat(outbound.count()).isEqualTo(2);
        assertThat(outbound.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(100);
        // buckets, so that a p99 can be computed across peers: each counts the samples at or below it
        Map<Double, Long> buckets = PrometheusBuckets.of(registry.scrape(), "peerlink_handshake_duration_seconds",
                "direction=\"outbound\",");
        assertThat(buckets).hasSizeGreaterThan(10).containsEntry(Double.POSITIVE_INFINITY, 2L);
        buckets.forEach((le, count) -> assertThat(count).as("bucket le=%s", le)
                .isEqualTo(le >= 0.06 ? 2 : le >= 0.04 ? 1 : 0));
        assertThat(registry.get("peerlink.handshake.duration").tag("direction", "inbound").timer().count()).isZero();
    }
}
