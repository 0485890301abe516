package io.peerlink.api;

import static io.peerlink.api.RunningPeer.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics a user scrapes from {@code /actuator/prometheus} of a running peer: every peerlink
 * family against the list below (names and types, by Prometheus' and Micrometer's conventions: the
 * unit once, {@code _total} on counters), after a handshake, a delivered message and a message
 * failed because its recipient was forgotten, each of which they count. README.md lists them all,
 * with {@link #REJECTED}, which appears with the first refused frame.
 */
class MetricsEndToEndTest {

    /** Every peerlink metric family this scenario makes a peer show, with its Prometheus type. */
    static final Map<String, String> FAMILIES = new TreeMap<>(Map.ofEntries(
            Map.entry("peerlink_connections_active", "gauge"),
            Map.entry("peerlink_delivery_latency_seconds", "histogram"),
            Map.entry("peerlink_delivery_latency_seconds_max", "gauge"),
            Map.entry("peerlink_handshake_duration_seconds", "histogram"),
            Map.entry("peerlink_handshake_duration_seconds_max", "gauge"),
            Map.entry("peerlink_handshakes_total", "counter"),
            Map.entry("peerlink_messages_failed_total", "counter"),
            Map.entry("peerlink_messages_received_total", "counter"),
            Map.entry("peerlink_messages_sent_total", "counter"),
            Map.entry("peerlink_messages_undelivered", "gauge"),
            Map.entry("peerlink_network_received_bytes_total", "counter"),
            Map.entry("peerlink_network_sent_bytes_total", "counter"),
            Map.entry("peerlink_store_batch_size", "summary"),
            Map.entry("peerlink_store_batch_size_max", "gauge"),
            Map.entry("peerlink_store_commit_seconds", "histogram"),
            Map.entry("peerlink_store_commit_seconds_max", "gauge")));

    /** Shown from the first refused frame or message on (its reasons are many: none is registered before). */
    static final String REJECTED = "peerlink_messages_rejected_total";

    private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (peerlink_\\w+) (\\w+)$");

    @TempDir
    Path dataDirs;

    @Test
    void namesEveryMetricByConventionAndCountsHandshakesDeliveriesAndFailures() throws Exception {
        String scrape;
        try (RunningPeer a = RunningPeer.start("metrics-a", dataDirs.resolve("a"), null)) {
            String bId;
            try (RunningPeer b = RunningPeer.start("metrics-b", dataDirs.resolve("b"), null)) {
                bId = b.peerId;
                assertThat(a.connect(b, false).statusCode()).isEqualTo(201);
                String delivered = json(a.sendMessage(b.peerId, "count me")).path("id").asString();
                awaitStatus(a, delivered, "DELIVERED");
            }
            // b is gone: a message to it waits, until b is forgotten
            String queued = json(a.sendMessage(bId, "never delivered")).path("id").asString();
            assertThat(a.delete("/api/peers/" + bId).statusCode()).isEqualTo(204);
            awaitStatus(a, queued, "FAILED");
            HttpResponse<String> r = a.get("/actuator/prometheus");
            assertThat(r.statusCode()).isEqualTo(200);
            scrape = r.body();
        }
        Map<String, String> families = new TreeMap<>();
        Matcher m = TYPE.matcher(scrape);
        while (m.find()) {
            families.put(m.group(1), m.group(2));
        }
        assertThat(families).as("the peerlink metric families of /actuator/prometheus")
                .containsExactlyInAnyOrderEntriesOf(FAMILIES);
        assertThat(families.keySet()).as("no unit twice").noneMatch(f -> f.matches(".*_(bytes|seconds)_\\1.*"));

        // what the scenario did, counted
        assertThat(scrape)
                .contains("peerlink_handshakes_total{direction=\"outbound\",outcome=\"success\"} 1.0")
                .contains("peerlink_handshake_duration_seconds_count{direction=\"outbound\"} 1")
                .contains("peerlink_delivery_latency_seconds_count 1")
                .contains("peerlink_messages_failed_total{reason=\"forgotten\"} 1.0")
                .contains("peerlink_messages_failed_total{reason=\"ttl\"} 0.0");
        assertThat(scrape.lines().filter(l -> l.startsWith("peerlink_"))).as("peerlink series")
                .noneMatch(l -> l.contains("\"none\""));
        // histograms with buckets: a p99 across peers can be computed from them
        for (String histogram : List.of("peerlink_store_commit_seconds_bucket{le=",
                "peerlink_delivery_latency_seconds_bucket{le=",
                "peerlink_handshake_duration_seconds_bucket{direction=\"outbound\",le=")) {
            assertThat(scrape.lines().filter(l -> l.startsWith(histogram)).count()).as(histogram).isGreaterThan(10);
        }
    }

    @Test
    void readmeListsEveryMetric() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> names = new ArrayList<>(FAMILIES.keySet().stream().filter(f -> !f.endsWith("_max")).toList());
        names.add(REJECTED);
        assertThat(names).allSatisfy(name -> assertThat(readme).as("README.md").contains("`" + name + "`"));
    }

    private static void awaitStatus(RunningPeer peer, String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String seen;
        while (!(seen = json(peer.get("/api/messages/" + id)).path("status").asString()).equals(status)) {
            assertThat(System.nanoTime()).as("message %s still %s, not %s", id, seen, status).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
