package io.peerlink.bench.rest;

import io.peerlink.bench.rest.LoadGenerator.Phase;
import io.peerlink.support.PeerProcess;
import io.peerlink.support.ProcessCpu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Issue 5, part 4: peerlink as users drive it, through the REST API of two peer processes started
 * from the packaged jar ({@code java -jar}, default JVM flags, as the README starts them).
 *
 * <ol>
 *   <li>Start-up to healthy: process start until the first {@code 200 UP} from
 *       {@code /actuator/health}, polled every 50 ms, one peer at a time. peer-a and peer-b each create
 *       a new RSA-3072 identity (the product default); peer-a is then restarted on the same data
 *       directory, which separates key generation out.</li>
 *   <li>RSS (VmRSS, VmHWM from /proc/&lt;pid&gt;/status) after 5 s idle, and the peak (VmHWM) after
 *       the load.</li>
 *   <li>A JIT warm-up with 32 senders (whatever the budget leaves, 10-40 s: cold, the peers need
 *       several times the CPU per message), then closed loops with 1, 8 and 32 senders POSTing
 *       256-byte texts to peer-b, which sends them to peer-a; one receiver long-polls peer-a
 *       ({@code after=<cursor>&limit=1000&waitSeconds=5}). Sends/s = accepted 202s per second, median
 *       and range over 3 windows of 3 s after 2 s of warm-up. End-to-end latency = from the POST's
 *       start to the arrival of the poll response that carries the message (so it includes the
 *       POST's own round trip), over all messages of the windows; the spread column shows the
 *       windows' own percentiles. Every id that got a 202 must arrive exactly once, checked per run
 *       and in total.</li>
 *   <li>Open loop at 1,000 msg/s for 5 s: send {@code i} is due at {@code start + i ms} and goes out
 *       on its own virtual thread; latency is measured from the due time (no coordinated omission).</li>
 * </ol>
 *
 * <p>Set-up: peer-a on 127.0.0.4, peer-b on 127.0.0.5 ({@code -Dbench.rest.hosts=a,b}; peer port 5555, HTTP 8080 each; the demo and
 * the e2e test use 127.0.0.2 and .3), peer-b dials peer-a ({@code PEERLINK_CONNECT}); temporary data
 * directories (identity key and {@code peerlink.db} each), deleted at the end. The peers run under
 * {@code timeout(1)} with a lifetime of the budget plus a minute, so that they end even if this JVM
 * is halted.
 *
 * <p>Choices that shape the figures:
 * <ul>
 *   <li>Durable peers, as shipped: each keeps every message in SQLite ({@code peerlink.db} in its data
 *       directory, WAL, {@code synchronous=FULL}, group commit by one writer thread). peer-b answers
 *       202 only after the message is committed (status QUEUED, or already SENT or DELIVERED); peer-a
 *       commits it before it ACKs, and its inbox is the store, read by cursor, which drops nothing.
 *       So every figure includes the commits: a message is in peer-a's poll response only after one
 *       commit on each side, and peer-b commits twice more for it (SENT, DELIVERED). The data
 *       directories are under {@code java.io.tmpdir}; the rows say on which file system, since on a
 *       tmpfs an fsync costs nothing.</li>
 *   <li>The store's share: both peers' {@code /actuator/prometheus} are read at the start and at the
 *       end of the measured windows; the difference of {@code peerlink.store.commit} (one timer sample
 *       per committed transaction, begin to end with its fsync, on the writer thread) over the
 *       windows' wall time is the share of the time the writer was committing, the same over the
 *       peer's CPU seconds sets it against the peer's CPU (an upper bound of the writer's CPU share:
 *       fsync waits take no CPU), and {@code peerlink.store.batch.size} gives the mean writes per
 *       transaction.</li>
 *   <li>The load tool's client: by default a minimal HTTP/1.1 keep-alive client over sockets
 *       ({@link Http.Raw}), because the tool shares the 2 cores with both peers and
 *       {@code java.net.http.HttpClient} costs it about twice the CPU per request;
 *       {@code -Dbench.rest.client=jdk} switches to {@code HttpClient} (measured side by side: 8
 *       senders 2,730 against 3,360 sends/s, 1 sender 397 against 1,660).</li>
 *   <li>CPU: each run's notes give the CPU of peer-b, peer-a, the load tool and all other processes
 *       (from /proc), in cores, over the measured windows.</li>
 * </ul>
 *
 * <p>Before them, the peer as the Docker image starts it ({@link ImageLaunch}: extracted layers, JDK AOT
 * cache, the image's JVM options and ENTRYPOINT): first start and restart to healthy, RSS after 20 s
 * idle; outside the time budget ({@code -Dbench.rest.image=false} skips it).
 *
 * <p>System properties (all optional): {@code bench.rest.client} ({@code raw} or {@code jdk}),
 * {@code bench.rest.warmupSeconds} (the JIT warm-up's upper bound,
 * default 40), {@code bench.rest.warmupSenders} (default 32), {@code bench.rest.java} (java for the
 * peers; default this JVM's if it is Java 25 or later, else /usr/lib/jvm/temurin-25-jdk-amd64),
 * {@code bench.rest.peerJvmArgs} (space-separated), {@code bench.rest.jfr} (a directory: both peers
 * record with JFR's profile settings into it), {@code bench.rest.logs} (a directory to copy the peer
 * logs to; default {@code bench.dir} when set).
 *
 * <p>Standalone: {@code java -cp <test classpath> io.peerlink.bench.rest.RestBench <jar> [budget
 * seconds, default 150] [scale, default 1]}; prints the table, exits 1 if a row failed.
 */
public final class RestBench {

    /**
     * One figure, shaped like {@code io.peerlink.bench.Results.Row}: {@code min}/{@code max} are NaN
     * where there is no spread, {@code n} is the number of values behind median/min/max.
     */
    public record Row(String area, String subject, String setting, String unit, double median, double min,
            double max, int n, String notes) {

        static Row of(String setting, String unit, double value, String notes) {
            return new Row(AREA, SUBJECT, setting, unit, value, Double.NaN, Double.NaN, 1, notes);
        }

        static Row of(String setting, String unit, double[] values, String notes) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double median = n == 0 ? Double.NaN
                    : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Row(AREA, SUBJECT, setting, unit, median, n > 1 ? sorted[0] : Double.NaN,
                    n > 1 ? sorted[n - 1] : Double.NaN, n, notes);
        }

        /** A headline value with a separate range (e.g. a percentile over all windows, and each window's). */
        static Row of(String setting, String unit, double value, double[] range, String notes) {
            double min = Arrays.stream(range).min().orElse(Double.NaN);
            double max = Arrays.stream(range).max().orElse(Double.NaN);
            return new Row(AREA, SUBJECT, setting, unit, value, range.length > 1 ? min : Double.NaN,
                    range.length > 1 ? max : Double.NaN, range.length, notes);
        }

        static Row failed(String setting, String why) {
            return failedIn(AREA, SUBJECT, setting, why);
        }

        static Row failedIn(String area, String subject, String setting, String why) {
            return new Row(area, subject, setting, "-", Double.NaN, Double.NaN, Double.NaN, 0,
                    "FAILED: " + why.replace('|', '/').replace('\n', ' '));
        }

        public boolean failed() {
            return notes.startsWith("FAILED: ");
        }

        /** What failed, for {@code Results.failed}; empty when the row did not fail. */
        public String failure() {
            return failed() ? notes.substring("FAILED: ".length()) : "";
        }
    }

    public static final String AREA = "REST API, 2 peer processes";
    public static final String SUBJECT = "peerlink";

    /** {@code -Dbench.rest.hosts=peerA,peerB} (default 127.0.0.4,127.0.0.5), as {@code bench.flood.hosts}. */
    static final String[] HOSTS = System.getProperty("bench.rest.hosts", "127.0.0.4,127.0.0.5").split(",");
    static final String HOST_A = HOSTS[0].strip();
    static final String HOST_B = HOSTS[1].strip();
    static final int KEY_SIZE = 3072;
    static final String DEFAULT_BASELINE_HOSTS = "127.0.0.6,127.0.0.7";
    static final int[] SENDERS = {1, 8, 32};
    static final double FIXED_RATE = 1_000;
    static final String CLIENT = System.getProperty("bench.rest.client", "raw");
    static final long WARMUP_SECONDS = Long.getLong("bench.rest.warmupSeconds", 40);
    static final int WARMUP_SENDERS = Integer.getInteger("bench.rest.warmupSenders", 32);
    /** {@code -Dbench.rest.image=false} skips the image-like start-up ({@link #imageStartUp}). */
    static final boolean IMAGE = Boolean.parseBoolean(System.getProperty("bench.rest.image", "true"));
    static final Duration IMAGE_IDLE = Duration.ofSeconds(20);

    /**
     * How long a peer may take to become healthy before the part fails ({@code
     * -Dbench.rest.startTimeoutSeconds}, default 90, as the flood part's). The start-up time is a
     * figure of its own (reported); on the shared 2-core VM under a load of 30-40 a peer took more
     * than 40 s (2026-12-08), which failed the whole part.
     */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("bench.rest.startTimeoutSeconds", 90));

    private static final long STARTED = System.nanoTime();

    private RestBench() {
    }

    /** The packaged jar in {@code targetDir}: {@code peerlink-*.jar}, not {@code *.jar.original}. */
    public static Path findJar(Path targetDir) throws IOException {
        try (Stream<Path> files = Files.list(targetDir)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith("peerlink-") && name.endsWith(".jar");
            }).sorted().findFirst().orElseThrow(() -> new IOException("no peerlink-*.jar in " + targetDir
                    + ": run ./mvnw -B -DskipTests package"));
        }
    }

    public static List<Row> run(Path jar, Duration budget) {
        return run(jar, budget, 1.0);
    }

    /**
     * Runs everything within {@code budget} (wall time; steps that no longer fit are skipped and say
     * so) and returns the rows. Never throws: a failure is a row whose notes start with "FAILED: ".
     * {@code scale} multiplies every measuring time (1 for figures; less only for trying it out).
     */
    public static List<Row> run(Path jar, Duration budget, double scale) {
        return run(jar, null, null, budget, scale);
    }

    /**
     * As {@link #run(Path, Duration, double)}; with a {@code baseline} jar (not null) a second pair of
     * peers from it runs beside the first ({@code -Dbench.rest.baselineHosts}, default
     * {@value #DEFAULT_BASELINE_HOSTS}), both pairs get the same JIT warm-up, and every setting runs on
     * the two pairs one after the other (the order alternating from one setting to the next), so a
     * burst of load falls on both; the baseline's rows carry {@code baselineLabel} as their subject,
     * and a ratio row (this jar ÷ baseline, from the same round) follows for sends/s, e2e p99 and CPU
     * per delivered message. The image-like start-up is left out then.
     */
    public static List<Row> run(Path jar, Path baseline, String baselineLabel, Duration budget, double scale) {
        List<Row> rows = new ArrayList<>();
        if (IMAGE && baseline == null) {
            imageStartUp(jar, rows, scale); // before the budget's clock starts: it has its own bounds
        }
        Path work = null;
        PeerProcess a = null;
        PeerProcess b = null;
        PeerProcess a0 = null;
        PeerProcess b0 = null;
        List<LoadGenerator> loads = new ArrayList<>();
        Thread hook = null;
        try {
            if (!Files.isRegularFile(jar)) {
                throw new IOException("no jar at " + jar);
            }
            work = Files.createTempDirectory("peerlink-rest-bench-");
            Path java = javaExecutable();
            List<String> jvmArgs = peerJvmArgs();
            Map<String, String> settings = new HashMap<>();
            settings.put("PEERLINK_KEY_SIZE", Integer.toString(KEY_SIZE));
            Duration lifetime = budget.plusSeconds(240); // backstop should this JVM be halted
            Map<String, String> settingsB = new HashMap<>(settings);
            settingsB.put("PEERLINK_CONNECT", HOST_A + ":" + PeerProcess.PEER_PORT);
            a = process("peer-a", HOST_A, work.resolve("peer-a"), work.resolve("peer-a.log"), java, jar,
                    withJfr(jvmArgs, "peer-a"), settings, lifetime);
            b = process("peer-b", HOST_B, work.resolve("peer-b"), work.resolve("peer-b.log"), java, jar,
                    withJfr(jvmArgs, "peer-b"), settingsB, lifetime);
            if (baseline != null) {
                String[] hosts = System.getProperty("bench.rest.baselineHosts", DEFAULT_BASELINE_HOSTS).split(",");
                Map<String, String> settingsB0 = new HashMap<>(settings);
                settingsB0.put("PEERLINK_CONNECT", hosts[0].strip() + ":" + PeerProcess.PEER_PORT);
                a0 = process("base-a", hosts[0].strip(), work.resolve("base-a"), work.resolve("base-a.log"), java,
                        baseline, withJfr(jvmArgs, "base-a"), settings, lifetime);
                b0 = process("base-b", hosts[1].strip(), work.resolve("base-b"), work.resolve("base-b.log"), java,
                        baseline, withJfr(jvmArgs, "base-b"), settingsB0, lifetime);
            }
            List<PeerProcess> all = Stream.of(b, a, b0, a0).filter(Objects::nonNull).toList();
            hook = new Thread(() -> all.forEach(PeerProcess::close), "rest-bench-peers-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            String fileSystem = fileSystem(work);
            progress("peers: %s -jar %s %s; peer-a %s, peer-b %s (dials peer-a); RSA-%d; data directories in %s (%s)",
                    java, jar.getFileName(), String.join(" ", jvmArgs), HOST_A, HOST_B, KEY_SIZE, work, fileSystem);
            for (PeerProcess p : all) {
                p.requirePortsFree();
            }

            startUp(a, b, rows);
            if (baseline != null) {
                progress("%s: %s -jar %s on %s and %s", baselineLabel, java, baseline, a0.host, b0.host);
                a0.start();
                a0.awaitHealthy(START_TIMEOUT);
                b0.start();
                b0.awaitHealthy(START_TIMEOUT);
                b0.awaitConnected(Duration.ofSeconds(30));
                a0.awaitConnected(Duration.ofSeconds(10));
            }
            Duration idle = ms(5_000, scale);
            PeerProcess.sleepNanos(idle.toNanos());
            memory(rows, a, "idle " + seconds(idle) + " s after start-up", "RSS MiB", false);
            memory(rows, b, "idle " + seconds(idle) + " s after start-up", "RSS MiB", false);

            // the budget is the load's: the peers' start-up (slow on a busy machine) does not eat into it
            long loadDeadline = System.nanoTime() + budget.toNanos();
            List<Pair> pairs = new ArrayList<>();
            pairs.add(new Pair(SUBJECT, a, b, rows, newLoad(a, b, loadDeadline, loads)));
            List<Row> baseRows = new ArrayList<>();
            if (baseline != null) {
                pairs.add(new Pair(baselineLabel, a0, b0, baseRows, newLoad(a0, b0, loadDeadline, loads)));
            }
            progress("load tool: %s", pairs.getFirst().load().clientKind());
            load(pairs, scale, loadDeadline, fileSystem);
            if (baseline != null) {
                List<Row> mine = List.copyOf(rows);
                for (Row r : baseRows) {
                    rows.add(new Row(r.area(), baselineLabel, r.setting(), r.unit(), r.median(), r.min(), r.max(),
                            r.n(), r.notes()));
                }
                rows.addAll(ratios(mine, baseRows, baselineLabel));
            }
            memory(rows, a, "after the load", "peak RSS MiB", true);
            memory(rows, b, "after the load", "peak RSS MiB", true);
        } catch (Exception e) {
            progress("FAILED: %s", e);
            rows.add(Row.failed("set-up / run", e.toString()));
        } finally {
            loads.forEach(LoadGenerator::close);
            for (PeerProcess p : Arrays.asList(b, a, b0, a0)) {
                if (p != null) {
                    p.close();
                }
            }
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
            }
            if (work != null) {
                keepLogs(work);
                delete(work);
            }
        }
        progress("REST part done in %.0f s", (System.nanoTime() - STARTED) / 1e9);
        return rows;
    }

    // ---- start-up -----------------------------------------------------------------------------------

    /**
     * Start-up and idle memory as the Docker image runs the peer ({@link ImageLaunch}): extracted
     * layers, the image's JVM options file, an AOT cache trained as the Dockerfile trains it, the
     * Dockerfile's ENTRYPOINT. First start (creates an RSA-3072 key, as the image's first start
     * does), restart on the same data, then RSS after {@link #IMAGE_IDLE} idle. On peer-a's address,
     * before the two peers of the load start.
     */
    private static void imageStartUp(Path jar, List<Row> rows, double scale) {
        Path work = null;
        PeerProcess peer = null;
        try {
            work = Files.createTempDirectory("peerlink-rest-image-");
            Path project = ImageLaunch.projectDir(jar);
            Path java = javaExecutable();
            long t0 = System.nanoTime();
            ImageLaunch.Image image = ImageLaunch.prepare(java, jar, project.resolve("Dockerfile"),
                    project.resolve("src/main/docker/jvm.options"), work.resolve("image"));
            progress("image-like: extracted and trained in %.1f s (training %.1f s, AOT cache %.0f MiB); java %s -jar "
                    + "app.jar", (System.nanoTime() - t0) / 1e9, image.trainingSeconds(), image.cacheBytes() / 1048576.0,
                    String.join(" ", image.jvmArgs()));
            peer = ImageLaunch.peer(image, "image", HOST_A, work.resolve("data"), work.resolve("image.log"), java,
                    Map.of("PEERLINK_KEY_SIZE", Integer.toString(KEY_SIZE)), Duration.ofMinutes(5));
            peer.requirePortsFree();
            peer.start();
            double first = peer.awaitHealthy(START_TIMEOUT).toNanos() / 1e9;
            double firstCpu = peer.cpuSeconds();
            peer.close();
            peer.start();
            double restart = peer.awaitHealthy(START_TIMEOUT).toNanos() / 1e9;
            double restartCpu = peer.cpuSeconds();
            Duration idle = ms(IMAGE_IDLE.toMillis(), scale);
            PeerProcess.sleepNanos(idle.toNanos());
            PeerProcess.Memory m = peer.memory();
            progress("image-like: healthy %.2f s after first start (%.1f s CPU), %.2f s after restart (%.1f s CPU); "
                    + "idle %.0f s: VmRSS %.0f MiB, VmHWM %.0f MiB", first, firstCpu, restart, restartCpu, seconds(idle),
                    m.rssMiB(), m.hwmMiB());
            String how = "as the image runs: extracted layers, AOT cache trained as the Dockerfile does, java "
                    + String.join(" ", image.jvmArgs()) + " -jar app.jar; jvm.options: "
                    + (image.options().isEmpty() ? "(none)" : image.options());
            rows.add(Row.of("image-like, first start (creates an RSA-" + KEY_SIZE + " key)", "s to healthy", first,
                    String.format(Locale.ROOT, "%.1f s CPU; %s", firstCpu, how)));
            rows.add(Row.of("image-like, restart (key exists)", "s to healthy", restart,
                    String.format(Locale.ROOT, "%.1f s CPU; training run %.1f s, AOT cache %.0f MiB", restartCpu,
                            image.trainingSeconds(), image.cacheBytes() / 1048576.0)));
            rows.add(Row.of("image-like, idle " + seconds(idle) + " s after restart", "RSS MiB", m.rssMiB(),
                    String.format(Locale.ROOT, "VmRSS: RssAnon %.0f MiB + RssFile %.0f MiB (mapped jars and AOT cache); "
                            + "VmHWM %.0f MiB", m.anonMiB(), m.fileMiB(), m.hwmMiB())));
        } catch (Exception e) {
            progress("image-like launch FAILED: %s", e);
            rows.add(Row.failed("image-like start-up", e.toString()));
        } finally {
            if (peer != null) {
                peer.close();
            }
            if (work != null) {
                delete(work);
            }
        }
    }

    private static void startUp(PeerProcess a, PeerProcess b, List<Row> rows) throws IOException {
        a.start();
        double aFirst = a.awaitHealthy(START_TIMEOUT).toNanos() / 1e9;
        double aFirstCpu = a.cpuSeconds();
        progress("peer-a healthy %.2f s after start (new RSA-%d key; %.1f s CPU)", aFirst, KEY_SIZE, aFirstCpu);
        a.close();

        a.start();
        double aRestart = a.awaitHealthy(START_TIMEOUT).toNanos() / 1e9;
        double aRestartCpu = a.cpuSeconds();
        progress("peer-a healthy %.2f s after restart (key exists; %.1f s CPU)", aRestart, aRestartCpu);

        b.start();
        double bFirst = b.awaitHealthy(START_TIMEOUT).toNanos() / 1e9;
        double bFirstCpu = b.cpuSeconds();
        progress("peer-b healthy %.2f s after start (new RSA-%d key; %.1f s CPU)", bFirst, KEY_SIZE, bFirstCpu);
        b.awaitConnected(Duration.ofSeconds(30));
        a.awaitConnected(Duration.ofSeconds(10));
        progress("peer-b connected to peer-a");

        rows.add(Row.of("first start, creates an RSA-" + KEY_SIZE + " key", "s to healthy",
                new double[] {aFirst, bFirst}, String.format(Locale.ROOT,
                        "process start → first 200 UP from /actuator/health (polled every 50 ms); peer-a %.2f s "
                                + "(%.1f s CPU), peer-b %.2f s (%.1f s CPU); java -jar, one at a time",
                        aFirst, aFirstCpu, bFirst, bFirstCpu)));
        rows.add(Row.of("restart, key exists (peer-a)", "s to healthy", aRestart, String.format(Locale.ROOT,
                "%.1f s CPU; first start − restart ≈ key generation: %.2f s", aRestartCpu, aFirst - aRestart)));
    }

    private static void memory(List<Row> rows, PeerProcess peer, String when, String unit, boolean peak) {
        PeerProcess.Memory m = peer.memory();
        if (peak) {
            rows.add(Row.of(peer.name + " " + when, unit, m.hwmMiB(), String.format(Locale.ROOT,
                    "VmHWM; VmRSS now %.0f MiB", m.rssMiB())));
        } else {
            rows.add(Row.of(peer.name + " " + when, unit, m.rssMiB(), String.format(Locale.ROOT,
                    "VmRSS (RssAnon %.0f, RssFile %.0f); VmHWM so far %.0f MiB; default JVM flags (G1, max heap ¼ of RAM)",
                    m.anonMiB(), m.fileMiB(), m.hwmMiB())));
        }
        progress("%s %s: VmRSS %.0f MiB, VmHWM %.0f MiB", peer.name, when, m.rssMiB(), m.hwmMiB());
    }

    // ---- the load -----------------------------------------------------------------------------------

    /** One pair of peers of one jar under load, and the rows it gives. */
    record Pair(String subject, PeerProcess a, PeerProcess b, List<Row> rows, LoadGenerator load) {

        LoadGenerator.Probe probe() {
            return () -> {
                // the meters first: a scrape costs each peer a little CPU, at both ends alike
                StoreMeters storeA = StoreMeters.of(a);
                StoreMeters storeB = StoreMeters.of(b);
                double[] cpu = {a.cpuSeconds(), b.cpuSeconds(), ProcessCpu.seconds(ProcessHandle.current().pid()),
                        ProcessCpu.machineSeconds()};
                return new LoadGenerator.Sample(cpu, storeA, storeB);
            };
        }
    }

    private static LoadGenerator newLoad(PeerProcess a, PeerProcess b, long deadline, List<LoadGenerator> loads) {
        LoadGenerator load = new LoadGenerator(b.uri("/"), a.uri("/"), CLIENT, deadline);
        loads.add(load);
        return load;
    }

    private static void load(List<Pair> pairs, double scale, long deadline, String fileSystem)
            throws InterruptedException {
        Duration warmup = ms(2_000, scale);
        Duration window = ms(3_000, scale);
        int windows = 3;
        long drainAllowance = Duration.ofSeconds(3).toNanos();
        int n = pairs.size();
        List<List<Phase>> checked = new ArrayList<>();
        pairs.forEach(p -> checked.add(new ArrayList<>()));

        // The peers' JIT: load before anything counts (delivery is checked all the same). Cold, the
        // peers need several times the CPU per message that they need once C2 has compiled the paths,
        // and on 2 cores they keep getting faster for a minute: the warm-up takes whatever the budget
        // leaves after the measured runs (at least 10 s, at most bench.rest.warmupSeconds), per pair.
        long measuredNanos = n * (SENDERS.length * (warmup.toNanos() + windows * window.toNanos() + drainAllowance)
                + ms(1_000, scale).toNanos() + ms(5_000, scale).toNanos() + drainAllowance);
        long spare = (deadline - System.nanoTime() - measuredNanos) / n - drainAllowance;
        long warmupMillis = Math.max(Math.round(10_000 * Math.min(1, scale)),
                Math.min(ms(WARMUP_SECONDS * 1_000L, scale).toMillis(), spare / 1_000_000));
        int warmupWindows = (int) Math.max(1, warmupMillis / 1_000);
        Duration jitWarmup = Duration.ofSeconds(warmupWindows);
        String[] warmed = new String[n];
        for (int i = 0; i < n; i++) {
            Pair pair = pairs.get(i);
            warmed[i] = "no JIT warm-up (no time left)";
            if (fits(deadline, jitWarmup.toNanos() + drainAllowance)) {
                Phase p = pair.load().closedLoop("JIT warm-up", WARMUP_SENDERS, Duration.ZERO, warmupWindows,
                        jitWarmup.dividedBy(warmupWindows), pair.probe());
                checked.get(i).add(p);
                progress("%s: JIT warm-up, %d senders: %,d messages accepted, %,d received; sends/s per window %s; %s",
                        pair.subject(), WARMUP_SENDERS, p.accepted.size(), p.distinctReceived.get(),
                        Arrays.stream(p.sendsPerSecond()).mapToObj(RestBench::format).toList(),
                        cpuNote(p.usage.perSecond()));
                double[] ramp = p.sendsPerSecond();
                warmed[i] = String.format(Locale.ROOT, "after a JIT warm-up of %d s with %d senders (%s sends/s in its "
                        + "first second, %s in its last)", warmupWindows, WARMUP_SENDERS, format(ramp[0]),
                        format(ramp[ramp.length - 1]));
            }
        }

        int round = 0;
        for (int senders : SENDERS) {
            String setting = senders + (senders == 1 ? " sender" : " senders") + ", " + LoadGenerator.TEXT_BYTES
                    + " B, closed loop";
            for (int i : order(n, round++)) {
                Pair pair = pairs.get(i);
                long needed = warmup.toNanos() + windows * window.toNanos() + drainAllowance;
                if (!fits(deadline, needed)) {
                    pair.rows().add(Row.failed(setting, "skipped: not enough of the time budget left"));
                    continue;
                }
                Phase p = pair.load().closedLoop(setting, senders, warmup, windows, window, pair.probe());
                checked.get(i).add(p);
                closedLoopRows(pair, p, setting, warmup, windows, window,
                        senders == SENDERS[0] ? "; " + warmed[i] : "");
                storeRows(pair.rows(), p, setting, fileSystem);
            }
        }

        String setting = LoadGenerator.TEXT_BYTES + " B @ " + String.format(Locale.ROOT, "%,.0f", FIXED_RATE)
                + " msg/s, open loop";
        Duration openWarmup = ms(1_000, scale);
        Duration openMeasure = ms(5_000, scale);
        for (int i : order(n, round)) {
            Pair pair = pairs.get(i);
            if (fits(deadline, openWarmup.toNanos() + openMeasure.toNanos() + drainAllowance)) {
                Phase p = pair.load().openLoop(setting, FIXED_RATE, openWarmup, openMeasure, pair.probe());
                checked.get(i).add(p);
                openLoopRows(pair, p, setting, openWarmup, openMeasure);
                storeRows(pair.rows(), p, setting, fileSystem);
            } else {
                pair.rows().add(Row.failed(setting, "skipped: not enough of the time budget left"));
            }
        }
        for (int i = 0; i < n; i++) {
            deliveryRow(pairs.get(i).rows(), pairs.get(i).load(), checked.get(i));
        }
    }

    /** The pairs' order in a round: 0, 1 in even rounds, 1, 0 in odd ones. */
    private static int[] order(int n, int round) {
        return n == 1 ? new int[] {0} : round % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0};
    }

    /** Peers' CPU per delivered message over the measured windows (both peers together), in ms. */
    private static void cpuRow(Pair pair, Phase p, String setting) {
        long accepted = 0;
        for (int i = 0; i < p.windows; i++) {
            accepted += p.acceptedPerWindow.get(i);
        }
        double a = p.usage.cpuSeconds(0);
        double b = p.usage.cpuSeconds(1);
        double perMessage = accepted == 0 ? Double.NaN : 1e3 * (a + b) / accepted;
        pair.rows().add(Row.of(setting, "CPU ms per delivered message", perMessage, String.format(Locale.ROOT,
                "both peers' user+system CPU from /proc/<pid>/stat over the measured windows: peer-b (sends) %.2f s, "
                        + "peer-a (receives) %.2f s, for %,d messages (each checked delivered)", b, a, accepted)));
    }

    /** This jar ÷ baseline for the settings' headline figures, each from the same round. */
    private static List<Row> ratios(List<Row> mine, List<Row> base, String baselineLabel) {
        List<Row> out = new ArrayList<>();
        for (Row m : mine) {
            if (!(m.unit().equals("sends/s") || m.unit().equals("e2e p99 ms") || m.unit().equals("e2e p50 ms")
                    || m.unit().startsWith("CPU ms"))) {
                continue;
            }
            base.stream().filter(b -> b.setting().equals(m.setting()) && b.unit().equals(m.unit()) && !b.failed())
                    .findFirst().ifPresent(b -> out.add(new Row(m.area(), SUBJECT + " ÷ " + baselineLabel,
                            m.setting(), m.unit() + " ratio", m.median() / b.median(), Double.NaN, Double.NaN, 1,
                            String.format(Locale.ROOT, "%s against %s, same round", format(m.median()),
                                    format(b.median())))));
        }
        return out;
    }

    private static boolean fits(long deadline, long nanos) {
        return System.nanoTime() + nanos < deadline;
    }

    private static void closedLoopRows(Pair pair, Phase p, String setting, Duration warmup, int windows,
            Duration window, String extra) {
        List<Row> rows = pair.rows();
        double[] rates = p.sendsPerSecond();
        Histogram all = p.e2eAll();
        double[] p50s = new double[windows];
        double[] p99s = new double[windows];
        for (int i = 0; i < windows; i++) {
            Histogram w = p.e2eWindow(i);
            p50s[i] = w.getValueAtPercentile(50) / 1e6;
            p99s[i] = w.getValueAtPercentile(99) / 1e6;
        }
        double[] cpu = p.usage.perSecond();
        String usage = cpuNote(cpu);
        rows.add(Row.of(setting, "sends/s", rates, String.format(Locale.ROOT,
                "accepted 202s per second; %d × %.0f s after %.0f s warm-up; %s; %s%s", windows, seconds(window),
                seconds(warmup), deliveryNote(p), usage, extra)));
        rows.add(Row.of(setting, "e2e p50 ms", all.getValueAtPercentile(50) / 1e6, p50s, String.format(Locale.ROOT,
                "POST start → message in peer-a's long-poll response; over all n=%,d messages of the windows, "
                        + "spread = the windows' own", all.getTotalCount())));
        rows.add(Row.of(setting, "e2e p99 ms", all.getValueAtPercentile(99) / 1e6, p99s, String.format(Locale.ROOT,
                "max %.1f ms; POST → 202 p50 %.2f ms, p99 %.2f ms", all.getMaxValue() / 1e6,
                p.post.getValueAtPercentile(50) / 1e6, p.post.getValueAtPercentile(99) / 1e6)));
        cpuRow(pair, p, setting);
        progress("%s, %s: %s sends/s (%s–%s), e2e p50 %.2f ms, p99 %.2f ms; POST p50 %.2f ms; %s; %s", pair.subject(),
                setting,
                format(Row.of("", "", rates, "").median()), format(min(rates)), format(max(rates)),
                all.getValueAtPercentile(50) / 1e6, all.getValueAtPercentile(99) / 1e6,
                p.post.getValueAtPercentile(50) / 1e6, deliveryNote(p), usage);
    }

    private static void openLoopRows(Pair pair, Phase p, String setting, Duration warmup, Duration measure) {
        List<Row> rows = pair.rows();
        Histogram all = p.e2eAll();
        double achieved = p.sendsPerSecond()[0];
        String behind = p.notSent.get() > 0 ? String.format(Locale.ROOT, "; %,d due sends NOT SENT (too many in flight)",
                p.notSent.get()) : "";
        String sustained = achieved < 0.97 * FIXED_RATE ? "; DID NOT SUSTAIN the offered rate" : "";
        String usage = cpuNote(p.usage.perSecond());
        rows.add(Row.of(setting, "e2e p50 ms", all.getValueAtPercentile(50) / 1e6, String.format(Locale.ROOT,
                "due time → message in peer-a's long-poll response (no coordinated omission); %.0f s after %.0f s "
                        + "warm-up; n=%,d, achieved %s sends/s%s%s; %s; %s",
                seconds(measure), seconds(warmup), all.getTotalCount(), format(achieved), sustained, behind,
                deliveryNote(p), usage)));
        rows.add(Row.of(setting, "e2e p99 ms", all.getValueAtPercentile(99) / 1e6, String.format(Locale.ROOT,
                "due time → 202: p50 %.2f ms, p99 %.2f ms", p.post.getValueAtPercentile(50) / 1e6,
                p.post.getValueAtPercentile(99) / 1e6)));
        rows.add(Row.of(setting, "e2e p99.9 ms", all.getValueAtPercentile(99.9) / 1e6, String.format(Locale.ROOT,
                "max %.1f ms%s", all.getMaxValue() / 1e6, all.getTotalCount() < 10_000 ? "; under 10,000 samples" : "")));
        cpuRow(pair, p, setting);
        progress("%s, %s: e2e p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms; achieved %s/s%s; %s; %s",
                pair.subject(), setting,
                all.getValueAtPercentile(50) / 1e6, all.getValueAtPercentile(99) / 1e6,
                all.getValueAtPercentile(99.9) / 1e6, all.getMaxValue() / 1e6, format(achieved), behind,
                deliveryNote(p), usage);
    }

    /**
     * For each peer: the share of the measured windows' wall time its store writer spent in
     * transactions, the same against the peer's CPU time, and how the writes were batched.
     */
    private static void storeRows(List<Row> rows, Phase p, String setting, String fileSystem) {
        long accepted = 0;
        for (int i = 0; i < p.windows; i++) {
            accepted += p.acceptedPerWindow.get(i);
        }
        double wall = p.usage.seconds();
        StringBuilder line = new StringBuilder();
        for (int peer : new int[] {1, 0}) {
            String name = peer == 1 ? "peer-b" : "peer-a";
            StoreMeters m = p.usage.store(peer);
            String rowSetting = setting + ", " + name + " store";
            if (!m.known() || m.commits() <= 0) {
                rows.add(Row.failed(rowSetting, "no store meters from " + name + "'s /actuator/prometheus"));
                continue;
            }
            double cpu = p.usage.cpuSeconds(peer);
            double ofWall = 100 * m.commitSeconds() / wall;
            double ofCpu = 100 * m.commitSeconds() / cpu;
            rows.add(Row.of(rowSetting, "commit % of wall time", ofWall, String.format(Locale.ROOT,
                    "writer in transactions (begin → commit, fsync included) %.2f s of %.1f s; %.0f %% of %s's "
                            + "%.2f CPU s; %,.0f commits (%,.0f/s), mean %.2f ms; mean batch %.1f writes, %.2f writes "
                            + "per accepted message; data dir on %s",
                    m.commitSeconds(), wall, ofCpu, name, cpu, m.commits(), m.commits() / wall,
                    m.meanCommitMillis(), m.meanBatch(), accepted == 0 ? Double.NaN : m.writes() / accepted,
                    fileSystem)));
            line.append(String.format(Locale.ROOT, "%s %.0f %% of wall, %.0f %% of CPU, batch %.1f, %.2f ms/commit; ",
                    name, ofWall, ofCpu, m.meanBatch(), m.meanCommitMillis()));
        }
        progress("%s: store: %s", setting, line);
    }

    private static String fileSystem(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void deliveryRow(List<Row> rows, LoadGenerator load, List<Phase> phases) {
        long accepted = 0;
        long lost = 0;
        long duplicated = 0;
        long unexpected = 0;
        long errors = 0;
        for (Phase p : phases) {
            accepted += p.accepted.size();
            lost += p.lost();
            duplicated += p.duplicated();
            unexpected += p.unexpected();
            errors += p.failedRequests.get() + p.refused.get();
        }
        String summary = String.format(Locale.ROOT, "%,d ids accepted (202) in all runs incl. warm-ups: lost %,d, "
                + "duplicated %,d; %,d arrived without a 202 here; %,d failed POSTs; %,d polls, %,d poll errors",
                accepted, lost, duplicated, unexpected, errors, load.polls(), load.pollErrors());
        progress("delivery: %s", summary);
        String setting = "every accepted id arrives exactly once";
        if (lost + duplicated + load.unparsable() > 0 || accepted == 0) {
            rows.add(Row.failed(setting, summary + (load.unparsable() > 0 ? "; unparsable " + load.unparsable() : "")));
        } else {
            rows.add(Row.of(setting, "lost + duplicated", 0, summary));
        }
    }

    private static String deliveryNote(Phase p) {
        long lost = p.lost();
        long dup = p.duplicated();
        String errors = p.failedRequests.get() + p.refused.get() == 0 ? ""
                : String.format(Locale.ROOT, ", %,d failed POSTs (first: %s)", p.failedRequests.get() + p.refused.get(),
                        p.firstError.get());
        return String.format(Locale.ROOT, "%s%,d accepted, lost %,d, duplicated %,d%s",
                lost + dup > 0 ? "DELIVERY FAILED: " : "", p.accepted.size(), lost, dup, errors);
    }

    private static String cpuNote(double[] cpu) {
        double others = cpu[3] - cpu[0] - cpu[1] - cpu[2];
        return String.format(Locale.ROOT, "CPU in cores (of %d): peer-b %.2f, peer-a %.2f, load tool %.2f, "
                + "other processes %.2f", Runtime.getRuntime().availableProcessors(), cpu[1], cpu[0], cpu[2],
                Math.max(0, others));
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /**
     * A peer process of the bench: {@code jar} with {@code jvmArgs} and the environment
     * {@code settings}, under {@code timeout(1)} for {@code lifetime}.
     */
    static PeerProcess process(String name, String host, Path dataDir, Path log, Path java, Path jar,
            List<String> jvmArgs, Map<String, String> settings, Duration lifetime) {
        return PeerProcess.builder(name, host, jar).dataDir(dataDir).log(log).java(java).jvmArgs(jvmArgs)
                .env(settings).lifetime(lifetime).build();
    }

    static Path javaExecutable() {
        String configured = System.getProperty("bench.rest.java");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        if (Runtime.version().feature() >= 25) {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }
        Path temurin = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        if (Files.isExecutable(temurin)) {
            return temurin;
        }
        String home = System.getenv("JAVA_HOME");
        if (home != null) {
            return Path.of(home, "bin", "java");
        }
        throw new IllegalStateException("no Java 25 for the peers: set -Dbench.rest.java");
    }

    private static List<String> peerJvmArgs() {
        String args = System.getProperty("bench.rest.peerJvmArgs", "").trim();
        return args.isEmpty() ? List.of() : List.of(args.split("\\s+"));
    }

    private static List<String> withJfr(List<String> args, String name) throws IOException {
        String dir = System.getProperty("bench.rest.jfr", "").trim();
        if (dir.isEmpty()) {
            return args;
        }
        Path d = Files.createDirectories(Path.of(dir).toAbsolutePath());
        List<String> out = new ArrayList<>(args);
        out.add("-XX:StartFlightRecording=filename=" + d.resolve(name + ".jfr") + ",settings=profile,dumponexit=true");
        return out;
    }

    private static void keepLogs(Path work) {
        try {
            WorkDirs.keepLogs(work, System.getProperty("bench.rest.logs", System.getProperty("bench.dir", "")), "rest",
                    List.of("peer-a", "peer-b", "base-a", "base-b"));
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

    private static Duration ms(long millis, double scale) {
        return Duration.ofMillis(Math.max(200, Math.round(millis * scale)));
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1e3;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    /** About three significant digits, with thousands separators (as BenchMain's table). */
    static String format(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 100) {
            int exponent = (int) Math.floor(Math.log10(magnitude));
            double scale = Math.pow(10, exponent - 2);
            return String.format(Locale.ROOT, "%,.0f", Math.round(value / scale) * scale);
        }
        if (magnitude >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

    /** The rows as BenchMain's Markdown table. */
    public static String markdown(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| area | subject | size / setting | unit | median | spread (min–max) | notes |\n");
        out.append("|---|---|---|---|---:|---:|---|\n");
        for (Row row : rows) {
            out.append("| ").append(row.area()).append(" | ").append(row.subject()).append(" | ").append(row.setting())
                    .append(" | ").append(row.unit()).append(" | ").append(format(row.median())).append(" | ")
                    .append(Double.isNaN(row.min()) ? "" : format(row.min()) + "–" + format(row.max()))
                    .append(" | ").append(row.notes()).append(" |\n");
        }
        return out.toString();
    }

    static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[rest %5.1f s] %s%n", (System.nanoTime() - STARTED) / 1e9,
                String.format(Locale.ROOT, format, args));
    }

    /** {@code RestBench [jar] [budget seconds, default 150] [scale, default 1]}; exit 1 if a row failed. */
    public static void main(String[] args) throws Exception {
        Path jar = args.length > 0 ? Path.of(args[0]) : findJar(Path.of("target"));
        Duration budget = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 150);
        double scale = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
        List<Row> rows = run(jar.toAbsolutePath(), budget, scale);
        System.out.println();
        System.out.println(markdown(rows));
        System.out.flush();
        System.exit(rows.stream().anyMatch(Row::failed) ? 1 : 0);
    }
}
