package io.peerlink.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peerlink.transport.Direction;
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
        assertThat(registry.get("peerlink.bytes.in").counter().count()).isEqualTo(100);
        assertThat(registry.get("peerlink.bytes.out").counter().count()).isEqualTo(42);
    }

    @Test
    void countsHandshakesByResultReasonAndDirection() {
        observer.handshakeSucceeded(Direction.INBOUND);
        observer.handshakeFailed(Direction.OUTBOUND, "unreachable");
        observer.handshakeFailed(Direction.OUTBOUND, "unreachable");
        assertThat(registry.get("peerlink.handshakes").tags("result", "ok", "reason", "none", "direction", "inbound")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("peerlink.handshakes").tags("result", "ok", "direction", "outbound")
                .counter().count()).isZero();
        assertThat(registry.get("peerlink.handshakes")
                .tags("result", "failed", "reason", "unreachable", "direction", "outbound")
                .counter().count()).isEqualTo(2);
    }
}
