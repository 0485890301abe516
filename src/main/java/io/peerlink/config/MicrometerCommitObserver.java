package io.peerlink.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.peerlink.store.CommitObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The store's commits and the messages they settle as Micrometer meters: {@code peerlink.store.commit}
 * (a timer with histogram buckets: one sample per committed transaction, begin to end with its
 * fsync), {@code peerlink.store.batch.size} (how many writes shared each transaction),
 * {@code peerlink.delivery.latency} (a timer with histogram buckets: an outbound message from its
 * acceptance to the recipient's ACK) and {@code peerlink.messages.failed} (outbound messages given up,
 * tag {@code reason}: {@code forgotten} or {@code ttl}).
 */
final class MicrometerCommitObserver implements CommitObserver {

    private final MeterRegistry registry;
    private final Timer commit;
    private final DistributionSummary batchSize;
    private final Timer delivery;

    MicrometerCommitObserver(MeterRegistry registry) {
        this.registry = registry;
        this.commit = Timer.builder("peerlink.store.commit")
                .description("Store transactions committed by the writer, begin to end with the fsync")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        this.batchSize = DistributionSummary.builder("peerlink.store.batch.size")
                .description("Writes group-committed in one store transaction")
                .register(registry);
        this.delivery = Timer.builder("peerlink.delivery.latency")
                .description("Outbound messages from their acceptance (the 202) to the recipient's ACK (DELIVERED)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofDays(1))
                .register(registry);
        // registered up front so that dashboards see zeros rather than nothing
        failed(FAILED_FORGOTTEN);
        failed(FAILED_TTL);
    }

    @Override
    public void committed(int writes, long nanos) {
        commit.record(nanos, TimeUnit.NANOSECONDS);
        batchSize.record(writes);
    }

    @Override
    public void delivered(long millis) {
        delivery.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    @Override
    public void failed(String reason, int count) {
        failed(reason).increment(count);
    }

    private Counter failed(String reason) {
        return Counter.builder("peerlink.messages.failed")
                .description("Outbound messages given up (FAILED), by reason: forgotten or ttl")
                .tag("reason", reason)
                .register(registry);
    }
}
