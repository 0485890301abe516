package io.peerlink.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.Direction;
import java.util.Locale;

/**
 * Counts what the connections do as Micrometer meters: {@code peerlink.messages.sent},
 * {@code peerlink.messages.received}, {@code peerlink.messages.rejected} (tag {@code reason}),
 * {@code peerlink.handshakes} (tags {@code result}, {@code reason}, {@code direction}) and
 * {@code peerlink.bytes.in} / {@code peerlink.bytes.out}. Tags carry reason names only, never peer
 * identities or content.
 */
final class MicrometerConnectionObserver implements ConnectionObserver {

    private final MeterRegistry registry;
    private final Counter sent;
    private final Counter received;
    private final Counter bytesIn;
    private final Counter bytesOut;

    MicrometerConnectionObserver(MeterRegistry registry) {
        this.registry = registry;
        this.sent = Counter.builder("peerlink.messages.sent")
                .description("Messages written to a peer connection").register(registry);
        this.received = Counter.builder("peerlink.messages.received")
                .description("Messages received and decrypted from a peer").register(registry);
        this.bytesIn = Counter.builder("peerlink.bytes.in").baseUnit("bytes")
                .description("Bytes read from peer sockets").register(registry);
        this.bytesOut = Counter.builder("peerlink.bytes.out").baseUnit("bytes")
                .description("Bytes written to peer sockets").register(registry);
        // register the success series up front so that dashboards see zeros rather than nothing
        handshakes(Direction.INBOUND, "ok", "none");
        handshakes(Direction.OUTBOUND, "ok", "none");
    }

    @Override
    public void handshakeSucceeded(Direction direction) {
        handshakes(direction, "ok", "none").increment();
    }

    @Override
    public void handshakeFailed(Direction direction, String reason) {
        handshakes(direction, "failed", reason).increment();
    }

    @Override
    public void messageSent() {
        sent.increment();
    }

    @Override
    public void messageReceived() {
        received.increment();
    }

    @Override
    public void messageRejected(String reason) {
        Counter.builder("peerlink.messages.rejected")
                .description("Frames or messages refused, by reason")
                .tag("reason", tagValue(reason))
                .register(registry)
                .increment();
    }

    @Override
    public void bytesIn(long n) {
        bytesIn.increment(n);
    }

    @Override
    public void bytesOut(long n) {
        bytesOut.increment(n);
    }

    private Counter handshakes(Direction direction, String result, String reason) {
        return Counter.builder("peerlink.handshakes")
                .description("Completed and failed handshakes")
                .tag("result", result)
                .tag("reason", tagValue(reason))
                .tag("direction", direction.name().toLowerCase(Locale.ROOT))
                .register(registry);
    }

    private static String tagValue(String reason) {
        return reason == null || reason.isBlank() ? "unknown" : reason.toLowerCase(Locale.ROOT);
    }
}
