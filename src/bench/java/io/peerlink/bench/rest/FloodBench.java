package io.peerlink.bench.rest;

import io.peerlink.support.HandshakeFlood;
import io.peerlink.support.LatencyProbe;
import io.peerlink.support.PeerProcess;
import io.peerlink.support.ProcessCpu;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 9's figures: a victim peer process (the packaged jar, product defaults, RSA-3072) attacked
 * from one loopback address by {@link HandshakeFlood}, while a legitimate peer process on another
 * address connects to it again and again. Three runs of 12 s each (times {@code bench.scale}):
 *
 * <ol>
 *   <li><b>no attack</b>: the baseline;</li>
 *   <li><b>hello flood</b>: 16 loops sending well-formed CLIENT_HELLOs with random secrets, each
 *       forcing an X25519, an ML-KEM-768 decapsulation and an RSA-3072 decryption;</li>
 *   <li><b>held + hello flood</b>: the same plus 200 connections held silent or trickling (the
 *       end-to-end test's attack).</li>
 * </ol>
 *
 * Per run: forced handshakes the victim served per second (its own {@code peerlink.handshakes}
 * counter with outcome {@code handshake_decrypt_failed} (tag reason before issue 18)), the victim's CPU in cores (/proc), the
 * legitimate peer's connect time ({@code POST /api/peers} until 201, every second, then
 * {@code DELETE} so the next one connects afresh), and {@code GET /api/identity} at the victim every
 * 50 ms (p99).
 *
 * <p>Issue 17 reads the hello flood's figures against two aims: one source forces at most 25
 * decryptions per second, and the legitimate peer's connect p99 stays under 500 ms; with
 * {@code -Dbench.baseline} the same scenarios run against a victim from the baseline jar in the same
 * run ({@link #run(Path, Path, String, double)}).
 *
 * <p>Hosts: {@code -Dbench.flood.hosts=victim,legit,attacker[,baseline victim]} (default
 * 127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9; peer port 5555, HTTP 8080 on the victims and the legitimate
 * peer). Everything stays on loopback; every loop is bounded.
 */
public final class FloodBench {

    public static final String AREA = "handshake flood from one address (issue 9)";

    static final Duration RUN = Duration.ofSeconds(12);
    static final int HOLDERS = 200;
    static final int FLOODERS = 16;
    private static final Duration CONNECT_EVERY = Duration.ofSeconds(1);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern COUNT = Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.E+-]+)");

    private record Scenario(String name, int holders, int flooders) {
    }

    /** The scenario issue 17's aims are read from. */
    public static final String HELLO_FLOOD = "hello flood: " + FLOODERS + " loops";

    private static final List<Scenario> SCENARIOS = List.of(new Scenario("no attack", 0, 0),
            new Scenario(HELLO_FLOOD, 0, FLOODERS),
            new Scenario("held + hello flood: " + HOLDERS + " held, " + FLOODERS + " loops", HOLDERS, FLOODERS));

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private FloodBench() {
    }

    /** Never throws: a failure is a row whose notes start with "FAILED: ". */
    public static List<RestBench.Row> run(Path jar, double scale) {
        return run(jar, null, null, scale);
    }

    /**
     * As {@link #run(Path, double)}; with a {@code baseline} jar (not null) a second victim from it
     * runs on the fourth host of {@code bench.flood.hosts} (default 127.0.0.9), and each scenario runs
     * against both victims one after the other (the order alternating), the same legitimate peer and
     * attacker address for both; the baseline's rows carry {@code baselineLabel} as their subject.
     */
    public static List<RestBench.Row> run(Path jar, Path baseline, String baselineLabel, double scale) {
        Duration run = Duration.ofMillis(Math.max(2_000, Math.round(RUN.toMillis() * scale)));
        String[] hosts = System.getProperty("bench.flood.hosts", "127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9").split(",");
        List<RestBench.Row> rows = new ArrayList<>();
        Path work = null;
        List<Victim> victims = new ArrayList<>();
        PeerProcess legit = null;
        try {
            work = Files.createTempDirectory("peerlink-flood-bench-");
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Duration lifetime = run.multipliedBy(SCENARIOS.size() * 2L).plusMinutes(3);
            victims.add(new Victim("peerlink", RestBench.process("victim", hosts[0].strip(), work.resolve("victim"),
                    work.resolve("victim.log"), java, jar, List.of(), Map.of("PEERLINK_KEY_SIZE", "3072"), lifetime)));
            if (baseline != null) {
                String host = hosts.length > 3 ? hosts[3].strip() : "127.0.0.9";
                victims.add(new Victim(baselineLabel, RestBench.process("victim-baseline", host,
                        work.resolve("victim-baseline"), work.resolve("victim-baseline.log"), java, baseline, List.of(),
                        Map.of("PEERLINK_KEY_SIZE", "3072"), lifetime)));
            }
            legit = RestBench.process("legit", hosts[1].strip(), work.resolve("legit"), work.resolve("legit.log"), java,
                    jar, List.of(), Map.of("PEERLINK_KEY_SIZE", "2048"), lifetime);
            String attacker = hosts[2].strip();
            for (Victim v : victims) {
                v.peer().requirePortsFree();
                v.peer().start();
            }
            legit.requirePortsFree();
            legit.start();
            for (Victim v : victims) {
                v.peer().awaitHealthy(START_TIMEOUT);
            }
            legit.awaitHealthy(START_TIMEOUT);
            progress("victims %s (RSA-3072), legitimate peer %s, attacker %s; %d s per run",
                    victims.stream().map(v -> v.subject() + " on " + v.peer().host).toList(), legit.host, attacker,
                    run.toSeconds());
            // two exchanges before anything is measured: the JIT of every process warms up
            for (Victim v : victims) {
                connectOnce(legit, v.peer());
                connectOnce(legit, v.peer());
            }
            int round = 0;
            for (Scenario s : SCENARIOS) {
                List<Victim> order = new ArrayList<>(victims);
                if (round++ % 2 == 1) {
                    Collections.reverse(order);
                }
                for (Victim v : order) {
                    measure(s, v, legit, attacker, run, rows);
                    PeerProcess.sleepMillis(3_000); // the victim's last handshakes of the attack end
                }
            }
        } catch (Exception e) {
            progress("FAILED: %s", e);
            rows.add(row("peerlink", "set-up / run", "-", Double.NaN, new double[0], "FAILED: "
                    + e.toString().replace('|', '/').replace('\n', ' ')));
        } finally {
            if (legit != null) {
                legit.close();
            }
            victims.forEach(v -> v.peer().close());
            if (work != null) {
                keepLogs(work);
                delete(work);
            }
        }
        return rows;
    }

    private record Victim(String subject, PeerProcess peer) {
    }

    private static void measure(Scenario s, Victim v, PeerProcess legit, String attacker, Duration run,
            List<RestBench.Row> rows) throws Exception {
        PeerProcess victim = v.peer();
        double forcedBefore = forced(victim);
        double cpuBefore = victim.cpuSeconds();
        double machineBefore = ProcessCpu.machineSeconds();
        String loadBefore = BacklogBench.loadAverage();
        long start = System.nanoTime();
        LatencyProbe probe = LatencyProbe.start(victim.uri("/api/identity"), Duration.ofMillis(50),
                Duration.ofSeconds(5), run);
        List<Double> connects = new ArrayList<>();
        int failedConnects = 0;
        HandshakeFlood flood = s.holders() + s.flooders() == 0 ? null : HandshakeFlood.start(
                new HandshakeFlood.Settings(attacker, victim.host, PeerProcess.PEER_PORT, s.holders(), s.flooders(),
                        run));
        try {
            for (int i = 0; i < 1_000; i++) {
                long due = start + Duration.ofSeconds(1).plus(CONNECT_EVERY.multipliedBy(i)).toNanos();
                if (due > start + run.minusSeconds(1).toNanos()) {
                    break;
                }
                PeerProcess.sleepNanos(Math.max(0, due - System.nanoTime()));
                double ms = connectOnce(legit, victim);
                if (Double.isNaN(ms)) {
                    failedConnects++;
                } else {
                    connects.add(ms);
                }
            }
            PeerProcess.sleepNanos(Math.max(0, start + run.toNanos() - System.nanoTime()));
        } finally {
            if (flood != null) {
                flood.close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LatencyProbe.Result identity = probe.stop();
        double cpu = (victim.cpuSeconds() - cpuBefore) / seconds;
        double machine = (ProcessCpu.machineSeconds() - machineBefore) / seconds;
        double forced = forced(victim) - forcedBefore;
        String load = "load " + loadBefore + " before, " + BacklogBench.loadAverage() + " after";
        String attack = flood == null ? "" : flood.counts().toString().replace("Counts", "attacker saw ");
        String subject = v.subject();
        rows.add(row(subject, s.name(), "forced decryptions/s", forced / seconds, new double[0],
                String.format(Locale.ROOT, "%.0f in %.1f s (victim's peerlink.handshakes outcome=handshake_decrypt_failed: "
                        + "each an ML-KEM decapsulation and an RSA-3072 decryption for nothing)%s; %s; %s", forced,
                        seconds, flood == null ? "" : "; aim for one source ≤ 25/s", attack, load)));
        rows.add(row(subject, s.name(), "victim CPU cores", cpu, new double[0], String.format(Locale.ROOT,
                "whole machine %.2f of %d cores busy (attacker, legitimate peer, other processes included)", machine,
                Runtime.getRuntime().availableProcessors())));
        double[] c = connects.stream().mapToDouble(Double::doubleValue).toArray();
        double[] sorted = c.clone();
        java.util.Arrays.sort(sorted);
        double p99 = sorted.length == 0 ? Double.NaN
                : sorted[Math.min(sorted.length - 1, (int) Math.ceil(0.99 * sorted.length) - 1)];
        rows.add(row(subject, s.name(), "legit connect ms", Double.NaN, c, "POST /api/peers from another address until "
                + "201, every " + CONNECT_EVERY.toSeconds() + " s" + (failedConnects > 0 ? "; " + failedConnects
                + " FAILED" : "")));
        rows.add(row(subject, s.name(), "legit connect p99 ms", p99, new double[0], String.format(Locale.ROOT,
                "n=%d%s; aim < 500 ms", c.length, c.length < 100 ? " (fewer than 100: p99 = max)" : "")));
        rows.add(row(subject, s.name(), "identity p99 ms", identity.percentile(99), new double[0],
                String.format(Locale.ROOT, "GET /api/identity every 50 ms: n=%d, p50 %.1f ms, max %.1f ms, failures %d",
                        identity.n(), identity.percentile(50), identity.max(), identity.failures())));
        progress("%s, %s: %.1f forced decryptions/s, victim CPU %.2f cores, legit connect p99 %.0f ms (n=%d), identity "
                + "p99 %.1f ms; %s", subject, s.name(), forced / seconds, cpu, p99, c.length,
                identity.percentile(99), load);
    }

    /** One connect of the legitimate peer to the victim, then it forgets it; ms, or NaN on failure. */
    private static double connectOnce(PeerProcess legit, PeerProcess victim) {
        try {
            long start = System.nanoTime();
            HttpResponse<String> r = send(legit.uri("/api/peers"), "POST", "{\"host\":\"" + victim.host
                    + "\",\"port\":" + PeerProcess.PEER_PORT + "}");
            double ms = (System.nanoTime() - start) / 1e6;
            if (r.statusCode() != 201) {
                progress("connect answered %d: %s", r.statusCode(), r.body());
                return Double.NaN;
            }
            String id = victim.getBody("/api/identity").replaceAll(".*\"peerId\":\"([0-9a-f]{64})\".*", "$1");
            send(legit.uri("/api/peers/" + id), "DELETE", null);
            return ms;
        } catch (IOException | InterruptedException e) {
            progress("connect failed: %s", e);
            return Double.NaN;
        }
    }

    /** The victim's count of forced handshakes so far. */
    private static double forced(PeerProcess victim) throws IOException, InterruptedException {
        HttpResponse<String> r = send(victim.uri("/actuator/metrics/peerlink.handshakes?tag=direction:inbound"
                + "&tag=outcome:handshake_decrypt_failed"), "GET", null);
        if (r.statusCode() == 404 || r.statusCode() == 400) {
            // a jar from before issue 18 (the baseline) tags the failure as reason, not outcome
            r = send(victim.uri("/actuator/metrics/peerlink.handshakes?tag=direction:inbound"
                    + "&tag=reason:handshake_decrypt_failed"), "GET", null);
        }
        if (r.statusCode() == 404 || r.statusCode() == 400) {
            return 0;
        }
        Matcher m = COUNT.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IOException("metrics answered " + r.statusCode() + ": " + r.body());
        }
        return Double.parseDouble(m.group(1));
    }

    private static HttpResponse<String> send(URI uri, String method, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static RestBench.Row row(String subject, String setting, String unit, double value, double[] spread,
            String notes) {
        double[] sorted = spread.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        double median = !Double.isNaN(value) ? value : n == 0 ? Double.NaN
                : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new RestBench.Row(AREA, subject, setting, unit, median, n > 1 ? sorted[0] : Double.NaN,
                n > 1 ? sorted[n - 1] : Double.NaN, Math.max(1, n), notes);
    }

    private static void keepLogs(Path work) {
        try {
            WorkDirs.keepLogs(work, System.getProperty("bench.dir", ""), "flood", List.of("victim", "victim-baseline", "legit"));
        } catch (IOException e) {
            progress("could not keep the peer logs: %s", e);
        }
    }

    private static void delete(Path dir) {
        try {
            WorkDirs.delete(dir);
        } catch (IOException e) {
            progress("could not delete %s: %s", dir, e);
        }
    }

    private static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[flood] %s%n", String.format(Locale.ROOT, format, args));
    }
}
