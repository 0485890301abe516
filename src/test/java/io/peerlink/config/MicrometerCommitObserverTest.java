package io.peerlink.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peerlink.store.CommitObserver;
import io.peerlink.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's commits and the messages they settle reach the meters, against a real SQLite file: no mocks. */
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
    void timesDeliveriesInAHistogramAndCountsFailedMessagesByReason() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        try (HikariDataSource dataSource = Store.openSqlite(dir)) {
            Store.migrate(dataSource);
            try (Store store = new Store(dataSource, clock, PeerlinkConfiguration.commitObserver(registry))) {
                String other = "d".repeat(64);
                store.peerConnected(PEER, new byte[] {1}, null).join();
                store.peerConnected(other, new byte[] {2}, null).join();
                UUID delivered = store.acceptOutbound(UUID.randomUUID(), PEER, "delivered").join().message().id();
                UUID expired = store.acceptOutbound(UUID.randomUUID(), PEER, "expired").join().message().id();
                store.acceptOutbound(UUID.randomUUID(), other, "forgotten 1").join();
                store.acceptOutbound(UUID.randomUUID(), other, "forgotten 2").join();
                assertThat(registry.get("peerlink.messages.failed").tag("reason", "forgotten").counter().count())
                        .as("registered before any failure").isZero();

                clock.now = clock.now.plusMillis(1500);
                assertThat(store.markDelivered(PEER, delivered).join()).isPresent();
                // an ACK seen twice is one delivery
                assertThat(store.markDelivered(PEER, delivered).join()).isEmpty();
                Timer latency = registry.get("peerlink.delivery.latency").timer();
                assertThat(latency.count()).isEqualTo(1);
                assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500);
                // buckets: each counts the deliveries at or below it
                String scrape = registry.scrape();
                Map<Double, Long> buckets = PrometheusBuckets.of(scrape, "peerlink_delivery_latency_seconds", "");
                assertThat(buckets).hasSizeGreaterThan(10).containsEntry(Double.POSITIVE_INFINITY, 1L);
                buckets.forEach((le, count) -> assertThat(count).as("bucket le=%s", le).isEqualTo(le >= 1.5 ? 1 : 0));
                assertThat(PrometheusBuckets.of(scrape, "peerlink_store_commit_seconds", "")).hasSizeGreaterThan(10);

                assertThat(store.forgetPeer(other).join()).isTrue();
                assertThat(store.forgetPeer(other).join()).as("forgotten already").isFalse();
                clock.now = clock.now.plus(Duration.ofDays(2));
                assertThat(store.expire(Duration.ofDays(1)).join()).isEqualTo(1);
                assertThat(store.messages().find(expired)).hasValueSatisfying(
                        m -> assertThat(m.failure()).isEqualTo(Store.EXPIRED));
                assertThat(registry.get("peerlink.messages.failed").tag("reason", "forgotten").counter().count())
                        .isEqualTo(2);
                assertThat(registry.get("peerlink.messages.failed").tag("reason", "ttl").counter().count())
                        .isEqualTo(1);
                assertThat(latency.count()).as("failures are no deliveries").isEqualTo(1);
            }
        }
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void withoutARegistryNothingIsObserved() {
        assertThat(PeerlinkConfiguration.commitObserver(null)).isSameAs(CommitObserver.NONE);
    }
}
