package io.peerlink.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.Direction;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Counts what the connections do as Micrometer meters, named by Micrometer's convention (no unit in
 * the name; the base unit is declared, so that Prometheus shows it once): {@code peerlink.messages.sent},
 * {@code peerlink.messages.received}, {@code peerlink.messages.rejected} (tag {@code reason}),
 * {@code peerlink.handshakes} (tags {@code outcome}: {@code success} or the failure reason, and
 * {@code direction}), the timer {@code peerlink.handshake.duration} (successful handshakes, with
 * histogram buckets) and {@code peerlink.network.received} / {@code peerlink.network.sent} (bytes).
 * Tags carry reason names only, never peer identities or content.
 */
final class MicrometerConnectionObserver implements ConnectionObserver {

    /** The {@code outcome} of a handshake that succeeded; any other value is a failure reason. */
    static final String SUCCESS = "success";

    private final MeterRegistry registry;
    private final Counter sent;
    private final Counter received;
    private final Counter bytesIn;
    private final Counter bytesOut;

    MicrometerConnectionObserver(MeterRegistry registry) {
        this.registry = registry;
        this.sent = Counter.builder("peerlink.messages.sent")
                .description("Messages written to a peer connection (a message sent again counts again)")
                .register(registry);
        this.received = Counter.builder("peerlink.messages.received")
                .description("Messages received and decrypted from a peer").register(registry);
        this.bytesIn = Counter.builder("peerlink.network.received").baseUnit("bytes")
                .description("Bytes read from peer sockets, handshakes included").register(registry);
        this.bytesOut = Counter.builder("peerlink.network.sent").baseUnit("bytes")
                .description("Bytes written to peer sockets, handshakes included").register(registry);
        // registered up front so that dashboards see zeros rather than nothing
        for (Direction direction : Direction.values()) {
            handshakes(direction, SUCCESS);
            handshakeDuration(direction);
        }
    }

    @Override
    public void handshakeSucceeded(Direction direction, long nanos) {
        handshakes(direction, SUCCESS).increment();
        handshakeDuration(direction).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handshakeFailed(Direction direction, String reason) {
        String outcome = tagValue(reason);
        handshakes(direction, SUCCESS.equals(outcome) ? "unknown" : outcome).increment();
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

    private Counter handshakes(Direction direction, String outcome) {
        return Counter.builder("peerlink.handshakes")
                .description("Handshakes by outcome: success, or why it failed (also connections refused before it)")
                .tag("outcome", outcome)
                .tag("direction", direction(direction))
                .register(registry);
    }

    private Timer handshakeDuration(Direction direction) {
        return Timer.builder("peerlink.handshake.duration")
                .description("Successful handshakes, from the connected socket to the established session")
                .tag("direction", direction(direction))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    private static String direction(Direction direction) {
        return direction.name().toLowerCase(Locale.ROOT);
    }

    private static String tagValue(String reason) {
        return reason == null || reason.isBlank() ? "unknown" : reason.toLowerCase(Locale.ROOT);
    }
}
