package io.peerlink.config;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.peerlink.store.CommitObserver;
import java.util.concurrent.TimeUnit;

/**
 * The store's commits as Micrometer meters: {@code peerlink.store.commit} (a timer: one sample per
 * committed transaction, begin to end with its fsync) and {@code peerlink.store.batch.size} (how many
 * writes shared each transaction). Their sums over a time window say what share of it the writer
 * was busy and how well group commit batches.
 */
final class MicrometerCommitObserver implements CommitObserver {

    private final Timer commit;
    private final DistributionSummary batchSize;

    MicrometerCommitObserver(MeterRegistry registry) {
        this.commit = Timer.builder("peerlink.store.commit")
                .description("Store transactions committed by the writer, begin to end with the fsync")
                .register(registry);
        this.batchSize = DistributionSummary.builder("peerlink.store.batch.size")
                .description("Writes group-committed in one store transaction")
                .register(registry);
    }

    @Override
    public void committed(int writes, long nanos) {
        commit.record(nanos, TimeUnit.NANOSECONDS);
        batchSize.record(writes);
    }
}
