package io.peerlink.api;

import io.peerlink.support.SseClient;
import static io.peerlink.api.RunningPeer.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/** Times in API JSON: always milliseconds, three digits, UTC. */
class MillisecondInstantsTest {

    /** Any JSON string value that looks like a time: date, 'T', then anything up to the closing quote. */
    private static final Pattern TIME = Pattern.compile("\"(\\d{4}-\\d{2}-\\d{2}T[^\"]*)\"");
    private static final String MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @TempDir
    Path dataDirs;

    @Test
    void writesEveryInstantWithExactlyThreeFractionDigits() {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new SimpleModule().addSerializer(Instant.class, new MillisecondInstants())).build();
        Map<String, Object> times = new LinkedHashMap<>();
        times.put("nanos", Instant.parse("2026-11-25T22:56:46.211520211Z"));
        times.put("micros", Instant.parse("2026-11-25T22:56:46.999999Z"));
        times.put("whole", Instant.parse("2026-11-25T22:56:46Z"));
        times.put("tenths", Instant.parse("2026-11-25T22:56:46.5Z"));
        times.put("none", null);
        assertThat(mapper.writeValueAsString(times)).isEqualTo("{\"nanos\":\"2026-11-25T22:56:46.211Z\","
                + "\"micros\":\"2026-11-25T22:56:46.999Z\",\"whole\":\"2026-11-25T22:56:46.000Z\","
                + "\"tenths\":\"2026-11-25T22:56:46.500Z\",\"none\":null}");
    }

    @Test
    void aRunningPeerAnswersWithMillisecondsInPeersMessagesAndEvents() throws Exception {
        try (RunningPeer a = RunningPeer.start("times-a", dataDirs.resolve("a"), null);
                RunningPeer b = RunningPeer.start("times-b", dataDirs.resolve("b"), null)) {
            String connected = a.connect(b, false).body();
            String id = json(a.sendMessage(b.peerId, "what time is it?")).path("id").asString();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!json(a.get("/api/messages/" + id)).path("status").asString().equals("DELIVERED")) {
                assertThat(System.nanoTime()).as("delivery of %s", id).isLessThan(deadline);
                Thread.sleep(50);
            }
            List<String> bodies = List.of(connected, a.get("/api/peers").body(), a.get("/api/peers/" + b.peerId).body(),
                    a.get("/api/messages/" + id).body(), b.get("/api/messages?after=0").body(),
                    a.get("/api/peers/" + b.peerId + "/messages").body());
            List<String> times = new ArrayList<>();
            for (String body : bodies) {
                times.addAll(times(body));
            }
            try (SseClient events = a.events("?after=0", null)) {
                times.addAll(times(events.next(Duration.ofSeconds(10)).data().toString()));
            }
            // connectedAt, firstSeen, lastSeen, createdAt, sentAt, deliveredAt, receivedAt, at
            assertThat(times).hasSizeGreaterThan(12).allSatisfy(t -> assertThat(t).matches(MILLIS));
        }
    }

    private static List<String> times(String json) {
        List<String> found = new ArrayList<>();
        Matcher m = TIME.matcher(json);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
