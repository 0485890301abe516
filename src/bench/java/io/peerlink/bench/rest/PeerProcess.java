package io.peerlink.bench.rest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One peerlink peer started from the packaged jar as its own process, on its own loopback address
 * (peer port and HTTP API on the same address), with its own data directory (identity key and the
 * SQLite store {@code peerlink.db}) and log file.
 *
 * <p>The peer runs under {@code timeout(1)} when that exists, so that it ends by itself after a
 * fixed lifetime even if this JVM is halted without running its shutdown hooks (BenchMain's
 * watchdog halts). {@link #pid()} is always the java process itself: /proc readings and
 * {@link #stop()} address it directly.
 */
final class PeerProcess {

    static final int PEER_PORT = 5555;
    static final int API_PORT = 8080;

    private static final Duration HEALTH_PERIOD = Duration.ofMillis(50);
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux

    final String name;
    final String host;
    final Path dataDir;
    final Path log;
    private final Path java;
    private final Path jar;
    private final List<String> jvmArgs;
    private final Map<String, String> settings;
    private final Duration lifetime;
    private final HttpClient http;
    /** The working directory, for a launch as the image does it ({@code -jar app.jar} in /app); null: inherited. */
    private final Path workDir;

    private Process launcher;
    private ProcessHandle peer;
    private long startedNanos;

    PeerProcess(String name, String host, Path dataDir, Path log, Path java, Path jar, List<String> jvmArgs,
            Map<String, String> settings, Duration lifetime) {
        this(name, host, dataDir, log, java, jar, jvmArgs, settings, lifetime, null);
    }

    /**
     * As above, started in {@code workDir} (when not null) with {@code jar} as given, so a relative
     * {@code app.jar} gives the same class path as the image's ENTRYPOINT and its AOT cache training.
     */
    PeerProcess(String name, String host, Path dataDir, Path log, Path java, Path jar, List<String> jvmArgs,
            Map<String, String> settings, Duration lifetime, Path workDir) {
        this.workDir = workDir;
        this.name = name;
        this.host = host;
        this.dataDir = dataDir;
        this.log = log;
        this.java = java;
        this.jar = jar;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.settings = Map.copyOf(settings);
        this.lifetime = lifetime;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
    }

    /** Fails when anything already listens on this peer's address (a demo, the e2e test, an earlier run). */
    void requirePortsFree() {
        for (int port : new int[] {PEER_PORT, API_PORT}) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 300);
                throw new IllegalStateException(host + ":" + port + " is already in use; is another peerlink "
                        + "running there? (the REST bench uses 127.0.0.4 and 127.0.0.5 unless -Dbench.rest.hosts says otherwise)");
            } catch (IOException expected) {
                // nothing listens: free
            }
        }
    }

    /** Starts the process; the start-up clock starts just before the fork. */
    void start() throws IOException {
        if (peer != null && peer.isAlive()) {
            throw new IllegalStateException(name + " already runs (pid " + peer.pid() + ")");
        }
        List<String> command = new ArrayList<>();
        Optional<Path> timeout = timeoutCommand();
        if (timeout.isPresent()) {
            // TERM after the lifetime, KILL 10 s later; TERM sent to timeout itself is passed on
            command.addAll(List.of(timeout.get().toString(), "-k", "10", lifetime.toSeconds() + "s"));
        }
        command.add(java.toString());
        command.add("--enable-native-access=ALL-UNNAMED"); // ACCP and sqlite-jdbc, as the image passes it
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Map<String, String> env = pb.environment();
        // only this bench's settings: nothing from the caller's shell (an API token, a port, JVM options)
        env.keySet().removeIf(k -> k.startsWith("PEERLINK_") || k.startsWith("SERVER_") || k.startsWith("SPRING_")
                || k.startsWith("MANAGEMENT_") || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
        env.putAll(settings);
        env.put("PEERLINK_LISTEN_HOST", host);
        env.put("PEERLINK_LISTEN_PORT", Integer.toString(PEER_PORT));
        env.put("PEERLINK_DATA_DIR", dataDir.toString());
        env.put("SERVER_ADDRESS", host);
        env.put("SERVER_PORT", Integer.toString(API_PORT));
        Files.createDirectories(dataDir);
        startedNanos = System.nanoTime();
        launcher = pb.start();
        peer = timeout.isPresent() ? awaitChild(launcher) : launcher.toHandle();
    }

    /** timeout(1) forks java at once; find that child (bounded: 5 s). */
    private ProcessHandle awaitChild(Process parent) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> child = parent.children().findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            if (!parent.isAlive()) {
                break;
            }
            sleepMillis(2);
        }
        parent.destroyForcibly();
        throw new IllegalStateException(name + ": timeout(1) started no java process\n" + logTail());
    }

    private static Optional<Path> timeoutCommand() {
        for (String dir : new String[] {"/usr/bin", "/bin"}) {
            Path p = Path.of(dir, "timeout");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Polls {@code /actuator/health} every 50 ms until it answers 200 UP; returns the time since the
     * process was started.
     */
    Duration awaitHealthy(Duration timeout) {
        long deadline = startedNanos + timeout.toNanos();
        long next = System.nanoTime();
        while (true) {
            if (!peer.isAlive()) {
                throw new IllegalStateException(name + " exited before it was healthy\n" + logTail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/actuator/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"status\":\"UP\"")) {
                    return Duration.ofNanos(System.nanoTime() - startedNanos);
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " was not healthy within " + timeout.toSeconds() + " s\n"
                        + logTail());
            }
            next += HEALTH_PERIOD.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleepNanos(wait);
            } else {
                next = System.nanoTime();
            }
        }
    }

    /** Waits until this peer lists a peer as CONNECTED (bounded). */
    void awaitConnected(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/peers"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"state\":\"CONNECTED\"")) {
                    return;
                }
            } catch (IOException e) {
                // try again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not connect within " + timeout.toSeconds() + " s\n"
                        + logTail());
            }
            sleepMillis(50);
        }
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " at " + name + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** The store's commit meters from {@code /actuator/prometheus}; UNKNOWN when it cannot be read. */
    StoreMeters storeMeters() {
        try {
            return StoreMeters.parse(get("/actuator/prometheus"));
        } catch (IOException | RuntimeException e) {
            return StoreMeters.UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return StoreMeters.UNKNOWN;
        }
    }

    URI uri(String path) {
        return URI.create("http://" + host + ":" + API_PORT + path);
    }

    long pid() {
        return peer.pid();
    }

    boolean alive() {
        return peer != null && peer.isAlive();
    }

    /** VmRSS and VmHWM in MiB from /proc/&lt;pid&gt;/status; NaN when unreadable. */
    Memory memory() {
        double rss = Double.NaN;
        double hwm = Double.NaN;
        double anon = Double.NaN;
        double file = Double.NaN;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kibToMib(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kibToMib(line);
                } else if (line.startsWith("RssAnon:")) {
                    anon = kibToMib(line);
                } else if (line.startsWith("RssFile:")) {
                    file = kibToMib(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        return new Memory(rss, hwm, anon, file);
    }

    /** VmRSS = RssAnon (heap, stacks, code cache, ...) + RssFile (mapped files: jars, the AOT cache) + RssShmem. */
    record Memory(double rssMiB, double hwmMiB, double anonMiB, double fileMiB) {
    }

    private static double kibToMib(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) / 1024.0;
    }

    /** CPU time (user + system) of this peer so far, in seconds; NaN when unreadable. */
    double cpuSeconds() {
        return cpuSeconds(pid());
    }

    /** CPU time (user + system) of a process, in seconds, from /proc/&lt;pid&gt;/stat; NaN when unreadable. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // after "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12 here
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Busy CPU seconds of the whole machine (all cores) from /proc/stat, including steal; NaN off Linux. */
    static double machineBusySeconds() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                if (i < cpu.length) {
                    busy += Long.parseLong(cpu[i]);
                }
            }
            return busy / (double) CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * SIGTERM to the java process (Spring's graceful shutdown, which also lets a flight recording be
     * written), bounded wait, then SIGKILL; then reaps the launcher. Never throws.
     */
    void stop() {
        if (peer == null) {
            return;
        }
        try {
            if (peer.isAlive()) {
                peer.destroy();
                try {
                    peer.onExit().get(20, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    System.err.println("[rest] " + name + " (pid " + peer.pid() + ") ignored SIGTERM for 20 s: SIGKILL");
                    peer.destroyForcibly();
                    peer.onExit().get(10, TimeUnit.SECONDS);
                }
            }
            if (launcher != null && !launcher.waitFor(10, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
                launcher.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            peer.destroyForcibly();
        } catch (Exception e) {
            peer.destroyForcibly();
            if (launcher != null) {
                launcher.destroyForcibly();
            }
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "---- last lines of " + name + "'s log " + log + "\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log " + log + ": " + e.getMessage() + ")";
        }
    }

    static void sleepMillis(long millis) {
        sleepNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    static void sleepNanos(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
