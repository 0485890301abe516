package io.peerlink.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.peerlink.store.CommitObserver;
import io.peerlink.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's commits reach the meters, against a real SQLite file: no mocks. */
class MicrometerCommitObserverTest {

    private static final String PEER = "c".repeat(64);

    @TempDir
    Path dir;

    @Test
    void timesEveryCommitAndCountsItsWrites() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (HikariDataSource dataSource = Store.openSqlite(dir)) {
            Store.migrate(dataSource);
            try (Store store = new Store(dataSource, Clock.systemUTC(),
                    PeerlinkConfiguration.commitObserver(registry))) {
                store.peerConnected(PEER, new byte[] {1}, null).join();
                List<CompletableFuture<Store.Accepted>> accepted = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    accepted.add(store.acceptOutbound(UUID.randomUUID(), PEER, "m" + i));
                }
                CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

                Timer commit = registry.get("peerlink.store.commit").timer();
                DistributionSummary batch = registry.get("peerlink.store.batch.size").summary();
                assertThat(batch.totalAmount()).isEqualTo(201);
                assertThat(batch.count()).isEqualTo(commit.count()).isBetween(2L, 201L);
                assertThat(batch.max()).isBetween(1.0, 200.0);
                assertThat(commit.totalTime(TimeUnit.NANOSECONDS)).isPositive();
                assertThat(commit.max(TimeUnit.NANOSECONDS)).isPositive()
                        .isLessThanOrEqualTo(commit.totalTime(TimeUnit.NANOSECONDS));
            }
        }
    }

    @Test
    void withoutARegistryNothingIsObserved() {
        assertThat(PeerlinkConfiguration.commitObserver(null)).isSameAs(CommitObserver.NONE);
    }
}
