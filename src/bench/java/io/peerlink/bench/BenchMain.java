package io.peerlink.bench;

import io.peerlink.crypto.CryptoProviders;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs every benchmark of issue 5 that exists so far and prints one table (also written to
 * {@code <bench.dir>/results.md}). Run it with {@code ./mvnw -Pbench verify}.
 *
 * <p>System properties: {@code bench.dir} (output, default target/bench); {@code bench.parts}
 * (comma list of crypto, throughput, latency, handshake, scale, rest, backlog, flood; default all); {@code bench.baseline}
 * (a commit or a jar: the REST, backlog and flood parts run its jar too, see {@link Baseline}); {@code bench.scale} (multiplies
 * every measuring time, default 1; for trying things out only); {@code bench.threads} (virtual or
 * platform, default virtual); {@code bench.latencyThreads} (virtual or platform for the latency
 * run's sender and receiver, default platform, see {@link LatencyRun}); {@code bench.transports} (comma list of transport names, default all); {@code bench.sizes} (throughput message sizes, default 64,256,4096,65536);
 * {@code bench.timeoutMinutes} (the process stops itself, default 9); {@code bench.rest.budgetSeconds} (wall time
 * of the REST part's load after the peers' start-up, default 85; the JIT warm-up gets what the measured runs
 * leave); {@code bench.jmh} (comma list of JMH classes of the crypto part, e.g. AesGcmBench,RsaOaepBench;
 * default all).
 */
public final class BenchMain {

    /** Throughput sizes; {@code -Dbench.sizes=65536} narrows them (for profiling one size). */
    static final int[] SIZES = java.util.Arrays.stream(System.getProperty("bench.sizes", "64,256,4096,65536").split(","))
            .mapToInt(Integer::parseInt).toArray();
    static final int[] WARMUP_SIZES = {64, 256, 64, 256, 4096, 64, 256, 65536};
    static final int LATENCY_SIZE = 256;
    static final double LATENCY_RATE = 10_000;
    /** The RSA baselines cannot carry 10k msg/s (one RSA-3072 decryption is ~3.9 ms): a lower rate. */
    static final double LATENCY_RATE_RSA = 100;
    static final int[] HANDSHAKE_CONCURRENCY = {1, 2, 8};

    /** Wall time of the REST part's load (start-ups come before it): a JIT warm-up of 20 s, then the runs. */
    static final long REST_BUDGET_SECONDS = 85;

    private static final long STARTED = System.nanoTime();
    private static volatile String baselineSubject;
    /** Transports whose code paths this JVM has already compiled (by a warm-up connection). */
    private static final Set<String> WARMED = new java.util.HashSet<>();
    private static final String LOAD_AT_START = loadAverage();
    private static final CpuShare CPU_AT_START = CpuShare.now();

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(System.getProperty("bench.dir", "target/bench")).toAbsolutePath();
        Set<String> parts = new LinkedHashSet<>(List.of(
                System.getProperty("bench.parts", "crypto,throughput,latency,handshake,scale,rest,backlog,flood").split(",")));
        double scale = Double.parseDouble(System.getProperty("bench.scale", "1"));
        Files.createDirectories(directory);
        Results results = new Results();
        List<String> subjects = new ArrayList<>();
        startWatchdog(Duration.ofMinutes(Long.getLong("bench.timeoutMinutes", 9)), directory, results, subjects);
        progress("parts %s, scale %s, %s, output %s", parts, scale, Threads.kind(Threads.VIRTUAL), directory);

        if (parts.contains("crypto")) {
            JmhSuite.run(directory, results, scale);
        }

        // The transports compared over sockets. To add peerlink: construct its Transport here and
        // add it to `transports` (throughput and latency) and `handshakes` (handshake timing);
        // ratio rows against every baseline are then added by results.addRatios("peerlink").
        List<Transport> transports = new ArrayList<>();
        List<Transport> handshakes = new ArrayList<>();
        // throughput runs them interleaved in this order, round after round
        transports.add(new PlainTransport(false));
        transports.add(new PlainTransport(true));
        try {
            TlsMaterial tls = TlsMaterial.create(directory, 3072);
            transports.add(new Tls13Transport(tls, false));
            handshakes.add(new Tls13Transport(tls, false));
            handshakes.add(new Tls13Transport(tls, true));
        } catch (Exception e) {
            progress("TLS set-up FAILED: %s", e);
            results.failed("set-up", "tls13", "keytool certificates", e);
        }
        transports.add(new RsaOaepTransport(2048));
        transports.add(new RsaOaepTransport(3072));
        try {
            // the product's default identity size, the same as the TLS certificates
            PeerlinkTransport peerlink = new PeerlinkTransport(3072);
            transports.add(2, peerlink);
            transports.add(3, peerlink.batched());
            handshakes.add(0, peerlink);
            // the same with the JDK's providers only: what ACCP's RSA-OAEP decryption gains
            handshakes.add(1, new PeerlinkTransport(3072, CryptoProviders.Setting.JDK));
        } catch (Exception e) {
            progress("peerlink set-up FAILED: %s", e);
            results.failed("set-up", "peerlink", "identity keys", e);
        }
        String only = System.getProperty("bench.transports", "");
        if (!only.isBlank()) {
            Set<String> names = Set.of(only.split(","));
            transports.removeIf(t -> !names.contains(t.name()));
            handshakes.removeIf(t -> !names.contains(t.name()));
        }
        describe(transports, handshakes, subjects);

        if (parts.contains("throughput")) {
            ThroughputRounds.run(transports, results, scale);
        }
        if (parts.contains("latency")) {
            for (Transport transport : transports) {
                // the batched subjects differ in throughput, not in the latency of one message at a time
                if (!transport.name().endsWith("-batched")) {
                    latency(transport, results, scale);
                }
            }
        }
        if (parts.contains("handshake")) {
            handshakes(handshakes, results, scale);
        }
        if (parts.contains("scale")) {
            // issue 12: 1,000 connections to one peer, handshakes served, a 20-peer mesh (ScaleRun)
            ScaleRun.run(directory, results, scale, handshakes);
        }
        // -Dbench.baseline=<commit or jar>: the REST, backlog and flood parts also run the jar of that
        // commit, in the same run (a one-time comparison; the regular run leaves it out)
        String baselineSpec = System.getProperty("bench.baseline", "").strip();
        Path baseline = null;
        String baselineLabel = null;
        if (!baselineSpec.isEmpty() && (parts.contains("rest") || parts.contains("backlog") || parts.contains("flood"))) {
            try {
                Path target = directory.getParent();
                baseline = Baseline.jar(target.getParent(), target, baselineSpec);
                baselineLabel = "baseline " + (baselineSpec.endsWith(".jar") ? baseline.getFileName() : baselineSpec);
                baselineSubject = "`" + baselineLabel + "`: the peer jar of " + baselineSpec + " (" + baseline
                        + "), in the REST, backlog and flood parts beside this build's jar";
            } catch (Exception e) {
                progress("baseline %s FAILED: %s", baselineSpec, e);
                results.failed("set-up", "baseline", baselineSpec, e);
            }
        }
        if (parts.contains("rest")) {
            // the product as users drive it: two peer processes from the packaged jar, over HTTP
            Duration budget = Duration.ofSeconds(Long.getLong("bench.rest.budgetSeconds", REST_BUDGET_SECONDS));
            addRows(results, io.peerlink.bench.rest.RestBench.run(
                    io.peerlink.bench.rest.RestBench.findJar(directory.getParent()), baseline, baselineLabel,
                    baseline == null ? budget : budget.multipliedBy(2), scale));
        }
        if (parts.contains("backlog")) {
            // issue 16: 6,000 × 60 KiB queued for an offline peer, then drained when it comes online
            Path jar = io.peerlink.bench.rest.RestBench.findJar(directory.getParent());
            addRows(results, io.peerlink.bench.rest.BacklogBench.run(jar, "peerlink"));
            if (baseline != null) {
                // main before issue 16 runs out of heap here: that outcome is a row, not a failure of the run
                addRows(results, io.peerlink.bench.rest.BacklogBench.run(baseline, baselineLabel, true));
            }
        }
        if (parts.contains("flood")) {
            // issues 9 and 17: a victim process under a handshake flood from one address, a legitimate peer beside it
            addRows(results, io.peerlink.bench.rest.FloodBench.run(
                    io.peerlink.bench.rest.RestBench.findJar(directory.getParent()), baseline, baselineLabel, scale));
        }
        describe(transports, handshakes, subjects); // descriptions may have learned what was negotiated
        // throughput and handshake ratios come from pairs of the same round (ThroughputRounds)
        results.addRatios("peerlink", Set.of(ThroughputRounds.AREA, "handshake, new connection"));

        String report = report(results, subjects, true);
        Files.writeString(directory.resolve("results.md"), report, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(report);
        System.out.flush();
        List<String> failures = results.failures();
        failures.forEach(f -> progress("FAILED %s", f));
        progress("done in %.0f s; table in %s", elapsedSeconds(), directory.resolve("results.md"));
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    private static void addRows(Results results, List<io.peerlink.bench.rest.RestBench.Row> rows) {
        for (var r : rows) {
            if (r.failed()) {
                results.failed(r.area(), r.subject(), r.setting(), new IllegalStateException(r.failure()));
            } else {
                results.add(r.area(), r.subject(), r.setting(), r.unit(), new Stats(r.median(), r.min(), r.max(), r.n()),
                        r.notes());
            }
        }
    }

    private static void describe(List<Transport> transports, List<Transport> handshakes, List<String> subjects) {
        List<String> lines = new ArrayList<>();
        for (Transport transport : Stream.concat(transports.stream(), handshakes.stream()).toList()) {
            String line = "`" + transport.name() + "`: " + transport.description();
            if (!lines.contains(line)) {
                lines.add(line);
            }
        }
        if (baselineSubject != null) {
            lines.add(baselineSubject);
        }
        synchronized (subjects) {
            subjects.clear();
            subjects.addAll(lines);
        }
    }

    static boolean slow(Transport transport) {
        return transport instanceof RsaOaepTransport;
    }

    /**
     * Every size through the transport's code before any is measured: mostly small messages, which
     * reach the JIT's thresholds fast, and some large ones so that their paths get compiled too
     * (AES-GCM takes a separate intrinsic path for inputs of several KiB). Once per transport.
     */
    static void warmUp(Transport transport, double scale) throws Exception {
        if (WARMED.add(transport.name())) {
            boolean slow = slow(transport);
            // a batched subject shares its codec with the unbatched one warmed before it
            boolean batched = transport.name().endsWith("-batched");
            ThroughputRun.warmUp(transport, slow ? new int[] {64, 256, 4096} : WARMUP_SIZES,
                    ms(slow ? 1_000 : batched ? 1_500 : 2_000, scale));
        }
    }

    private static void latency(Transport transport, Results results, double scale) {
        String area = "latency, one-way";
        boolean slow = slow(transport);
        double rate = slow ? LATENCY_RATE_RSA : LATENCY_RATE;
        String parameter = Results.size(LATENCY_SIZE) + " @ " + Results.format(rate) + " msg/s";
        LatencyRun.Settings settings = new LatencyRun.Settings(LATENCY_SIZE, rate, ms(slow ? 500 : 1_000, scale),
                3, ms(1_000, scale));
        try {
            long start = System.nanoTime();
            warmUp(transport, scale);
            LatencyRun.Outcome outcome = LatencyRun.run(transport, settings);
            long n = outcome.all().getTotalCount();
            String behind = !outcome.keptUp()
                    ? "; FELL BEHIND: " + outcome.received() + " of " + outcome.sent() + " received in time"
                    : outcome.achievedRate() < 0.97 * rate ? "; DID NOT SUSTAIN the offered rate" : "";
            String perWindow = "median of " + settings.windows() + " windows of " + settings.window().toMillis() + " ms";
            results.add(area, transport.name(), parameter, "p50 µs", outcome.percentileMicros(50),
                    perWindow + String.format(Locale.ROOT, "; n=%,d", n) + ", achieved " + Results.format(outcome.achievedRate()) + " msg/s" + behind);
            results.add(area, transport.name(), parameter, "p99 µs", outcome.percentileMicros(99), "");
            results.add(area, transport.name(), parameter, "p99.9 µs", outcome.percentileMicros(99.9),
                    "max " + Results.format(outcome.all().getMaxValue() / 1e3) + " µs"
                            + (n < 10_000 ? "; few samples: p99.9 ≈ max" : ""));
            progress("latency %s: p50 %s µs, p99 %s µs, p99.9 %s µs (%.1f s)%s", transport.name(),
                    Results.format(outcome.percentileMicros(50).median()),
                    Results.format(outcome.percentileMicros(99).median()),
                    Results.format(outcome.percentileMicros(99.9).median()), (System.nanoTime() - start) / 1e9, behind);
        } catch (Exception e) {
            progress("latency %s FAILED: %s", transport.name(), e);
            results.failed(area, transport.name(), parameter, e);
        }
    }

    private static void handshakes(List<Transport> transports, Results results, double scale) {
        String area = "handshake, new connection";
        HandshakeRun.Settings settings = new HandshakeRun.Settings(40, ms(3_000, scale), 3,
                (int) Math.max(10, Math.round(60 * scale)), ms(4_000, scale));
        long start = System.nanoTime();
        List<Object> outcomes;
        try {
            outcomes = HandshakeRun.run(transports, settings, HANDSHAKE_CONCURRENCY);
        } catch (Exception e) {
            progress("handshake FAILED: %s", e);
            transports.forEach(t -> results.failed(area, t.name(), "", e));
            return;
        }
        java.util.Map<String, double[]> sequentialP50 = new java.util.HashMap<>();
        for (int i = 0; i < transports.size(); i++) {
            Transport transport = transports.get(i);
            if (!(outcomes.get(i) instanceof List<?> list)) {
                Exception e = (Exception) outcomes.get(i);
                progress("handshake %s FAILED: %s", transport.name(), e);
                results.failed(area, transport.name(), "", e);
                continue;
            }
            for (Object o : list) {
                HandshakeRun.Outcome outcome = (HandshakeRun.Outcome) o;
                String parameter = outcome.concurrency() == 1 ? "sequential" : outcome.concurrency() + " concurrent";
                if (outcome.concurrency() == 1) {
                    sequentialP50.put(transport.name(), outcome.p50Millis());
                }
                String full = outcome.fullServerHandshakes() < 0 ? ""
                        : outcome.fullServerHandshakes() == outcome.handshakes()
                                ? "; all full handshakes (server signed " + outcome.fullServerHandshakes() + ")"
                                : "; RESUMPTION? server signed " + outcome.fullServerHandshakes() + " of "
                                        + outcome.handshakes();
                results.add(area, transport.name(), parameter, "p50 ms", Stats.of(outcome.p50Millis()),
                        "median of " + outcome.p50Millis().length + " rounds, interleaved; n=" + outcome.handshakes()
                                + full);
                results.add(area, transport.name(), parameter, "p99 ms", HandshakeRun.millis(outcome.all(), 99),
                        "all rounds; max " + Results.format(HandshakeRun.millis(outcome.all(), 100)) + " ms");
                results.add(area, transport.name(), parameter, "handshakes/s", Stats.of(outcome.perSecond()),
                        "client and server share the 2 cores");
                progress("handshake %s %s: p50 %s ms, %s/s", transport.name(), parameter,
                        Results.format(Stats.of(outcome.p50Millis()).median()),
                        Results.format(Stats.of(outcome.perSecond()).median()));
            }
        }
        for (String other : List.of("tls13", "tls13-mutual")) {
            if (sequentialP50.containsKey("peerlink") && sequentialP50.containsKey(other)) {
                Stats ratio = ThroughputRounds.paired(sequentialP50.get("peerlink"), sequentialP50.get(other));
                results.add(ThroughputRounds.RATIO_AREA, "peerlink / " + other, area + ", sequential", "× p50 ms", ratio,
                        "median of the ratios within " + ratio.n() + " rounds; spread min–max; lower is better");
            }
        }
        progress("handshakes done (%.1f s)", (System.nanoTime() - start) / 1e9);
    }

    static String report(Results results, List<String> subjects, boolean complete) {
        StringBuilder out = new StringBuilder();
        out.append("# peerlink benchmarks").append(complete ? "" : " (INCOMPLETE: stopped by the time limit)")
                .append("\n\n");
        out.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        out.append("- machine: ").append(machine()).append('\n');
        out.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(", ")
                .append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> a.startsWith("-X")).toList()))
                .append("; load tool on ").append(Threads.kind(Threads.VIRTUAL)).append(" (latency sender and receiver: ")
                .append(Threads.kind(LatencyRun.VIRTUAL)).append(")\n");
        out.append("- command: `./mvnw -Pbench verify`; bench run took ")
                .append(String.format(Locale.ROOT, "%.0f s", elapsedSeconds())).append('\n');
        out.append("- load average (1, 5, 15 min) at start: ").append(LOAD_AT_START).append("; at end: ")
                .append(loadAverage()).append('\n');
        String share = CpuShare.now().since(CPU_AT_START);
        if (!share.isEmpty()) {
            out.append("- CPU: ").append(share).append('\n');
        }
        out.append("- subjects: ").append(String.join("; ", subjects)).append('\n');
        out.append("- method: all traffic over 127.0.0.1, client to server on one connection, frames ")
                .append("`u32 length | u8 type | body` (peerlink's RawFrame), one gathered write per message, or for ")
                .append("the `-batched` subjects what waits gathered into one write (TCP_NODELAY); throughput ")
                .append("counted at the receiver after a warm-up, subjects interleaved round by round on fresh ")
                .append("connections, ratios taken within a round; latency from the intended send time ")
                .append("(no coordinated omission); handshake from connect() until the client has the server's ")
                .append("first message, new connection each time, subjects interleaved by round. Spread = range ")
                .append("over rounds or iterations.\n\n");
        out.append(results.markdown());
        out.append('\n').append(Aims.markdown(results));
        return out.toString();
    }

    /** The 1, 5 and 15 minute load averages, or "?" off Linux. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String machine() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it unknown
        }
        long memory = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize() >> 20;
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memory + " MiB RAM, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
    }

    private static void startWatchdog(Duration limit, Path directory, Results results, List<String> subjects) {
        Thread.ofPlatform().daemon().name("bench-watchdog").start(() -> {
            try {
                Thread.sleep(limit);
            } catch (InterruptedException e) {
                return;
            }
            progress("time limit of %s reached: writing what was measured and stopping", limit);
            try {
                List<String> described;
                synchronized (subjects) {
                    described = List.copyOf(subjects);
                }
                Files.writeString(directory.resolve("results.md"), report(results, described, false));
            } catch (IOException | RuntimeException e) {
                progress("could not write results: %s", e);
            }
            Runtime.getRuntime().halt(2);
        });
    }

    static Duration ms(long millis, double scale) {
        return Duration.ofMillis(Math.max(50, Math.round(millis * scale)));
    }

    static double elapsedSeconds() {
        return (System.nanoTime() - STARTED) / 1e9;
    }

    static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench %5.1f s] %s%n", elapsedSeconds(), String.format(Locale.ROOT, format, args));
    }
}
