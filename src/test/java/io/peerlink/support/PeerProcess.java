package io.peerlink.support;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * One peer process, the packaged jar started with {@code java -jar}, for the end-to-end tests and
 * the benchmark alike: its peer port {@value #PEER_PORT} and control API {@value #API_PORT} on one
 * loopback host, its data directory, its log (appended to on every start), JVM options and
 * environment (only the ones given: nothing from the caller's shell), and the HTTP calls made
 * against it ({@link Http#CLIENT}).
 *
 * <p>It can be killed ({@link #kill()}: SIGKILL), stopped ({@link #stop()}: SIGTERM, Spring's
 * graceful shutdown; {@link #close()} the same without failing) and started again on the same host
 * and data directory. Every process started is killed when this JVM exits, should its owner not get
 * to close it. With a {@link Builder#lifetime lifetime} the java process runs under
 * {@code timeout(1)}, so that it ends by itself even if this JVM is halted without running its
 * shutdown hooks (the bench's watchdog halts); {@link #pid()} is always the java process itself:
 * /proc readings, {@link #stop()} and {@link #kill()} address it directly.
 *
 * <p>Not thread-safe for start/stop; the HTTP calls and the /proc readings may be made from any
 * thread.
 */
public class PeerProcess implements AutoCloseable {

    public static final int PEER_PORT = 5555;
    public static final int API_PORT = 8080;
    public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);

    private static final Duration HEALTH_PERIOD = Duration.ofMillis(50);
    private static final Set<PeerProcess> STARTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(PeerProcess::kill), "peer-process-kill"));
    }

    public final String name;
    public final String host;
    public final Path dataDir;
    private final Path log;
    private final Path java;
    private final Path jar;
    private final List<String> jvmArgs;
    private final Map<String, String> env;
    private volatile String apiHost;
    private volatile int apiPort = API_PORT;
    private final Duration lifetime;
    private final Path workDir;
    private final List<String> launcherCommand;
    private volatile String bearerToken;

    private Process launcher;
    private volatile ProcessHandle peer;
    private long startedNanos;

    /** What a peer process is started with; {@link #build()} makes the process (not started yet). */
    public static final class Builder {
        private final String name;
        private final String host;
        private final Path jar;
        private Path dataDir;
        private Path log;
        private Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Duration lifetime;
        private Path workDir;
        private final List<String> launcher = new ArrayList<>();

        private Builder(String name, String host, Path jar) {
            this.name = name;
            this.host = host;
            this.jar = jar;
        }

        /** The data directory ({@code PEERLINK_DATA_DIR}); required. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** The log file, appended to on every start; required. */
        public Builder log(Path log) {
            this.log = log;
            return this;
        }

        /** The java executable (default: this JVM's). */
        public Builder java(Path java) {
            this.java = java;
            return this;
        }

        /** JVM options before {@code -jar} (native access for ACCP and sqlite-jdbc is always given). */
        public Builder jvmArgs(List<String> args) {
            jvmArgs.addAll(args);
            return this;
        }

        /** An environment variable ({@code PEERLINK_KEY_SIZE}, {@code PEERLINK_CONNECT}, ...); null values are left out. */
        public Builder env(String key, String value) {
            if (value != null) {
                env.put(key, value);
            }
            return this;
        }

        public Builder env(Map<String, String> values) {
            values.forEach(this::env);
            return this;
        }

        /** Runs the process under {@code timeout(1)}: TERM after {@code lifetime}, KILL 10 s later. */
        public Builder lifetime(Duration lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        /**
         * The working directory (default inherited), e.g. for a launch as the image does it
         * ({@code -jar app.jar} in /app) so that a relative jar gives the image's class path.
         */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /**
         * A command the whole launch runs under, one that execs what follows it in place, e.g.
         * {@code ip netns exec <ns>} ({@link NatLab}): the process started is still the java process
         * (or {@code timeout(1)}, with a lifetime).
         */
        public Builder launcher(List<String> command) {
            launcher.addAll(command);
            return this;
        }

        public PeerProcess build() {
            if (dataDir == null || log == null) {
                throw new IllegalStateException(name + ": dataDir and log are required");
            }
            return new PeerProcess(this);
        }
    }

    public static Builder builder(String name, String host, Path jar) {
        return new Builder(name, host, jar);
    }

    protected PeerProcess(Builder b) {
        this.name = b.name;
        this.host = b.host;
        this.dataDir = b.dataDir;
        this.log = b.log;
        this.java = b.java;
        this.jar = b.jar;
        this.jvmArgs = new ArrayList<>(b.jvmArgs);
        this.env = new LinkedHashMap<>(b.env);
        this.lifetime = b.lifetime;
        this.workDir = b.workDir;
        this.launcherCommand = List.copyOf(b.launcher);
    }

    /** Another environment variable for every later start; a null value leaves {@code key} unset. */
    public PeerProcess env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** The JVM options of every later start instead of the ones given so far (e.g. the image's jvm.options). */
    public PeerProcess jvmOptions(List<String> options) {
        jvmArgs.clear();
        jvmArgs.addAll(options);
        return this;
    }

    /**
     * Where the HTTP calls go, when the peer's API is not on {@code host:}{@value #API_PORT} (a peer
     * started with other {@code SERVER_*} settings through {@link #env}).
     */
    public PeerProcess api(String apiHost, int apiPort) {
        this.apiHost = apiHost;
        this.apiPort = apiPort;
        return this;
    }

    /** The API token every later HTTP call sends ({@code Authorization: Bearer}); null for none. */
    public PeerProcess bearer(String token) {
        this.bearerToken = token;
        return this;
    }

    /** Fails when anything already listens on this peer's ports (a demo, another test, an earlier run). */
    public void requirePortsFree() {
        for (int port : new int[] {PEER_PORT, API_PORT}) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 300);
                throw new IllegalStateException(host + ":" + port + " is already in use: is another peerlink running "
                        + "there (scripts/two-peers.sh, another build)? Give this one other loopback hosts.");
            } catch (IOException expected) {
                // nothing listens: free
            }
        }
    }

    /** Starts the process (without waiting for it to be healthy); the previous one must be gone. */
    public void start() throws IOException {
        if (peer != null && peer.isAlive()) {
            throw new IllegalStateException(name + " is still running (pid " + peer.pid() + ")");
        }
        List<String> command = new ArrayList<>(launcherCommand);
        Optional<Path> timeout = lifetime == null ? Optional.empty() : timeoutCommand();
        if (timeout.isPresent()) {
            // TERM after the lifetime, KILL 10 s later; TERM sent to timeout itself is passed on
            command.addAll(List.of(timeout.get().toString(), "-k", "10", lifetime.toSeconds() + "s"));
        }
        command.add(java.toString());
        command.add("--enable-native-access=ALL-UNNAMED"); // ACCP and sqlite-jdbc, as the image passes it
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toString()));
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Map<String, String> environment = pb.environment();
        // only these settings: nothing from the caller's shell (an API token, a port, JVM options)
        environment.keySet().removeIf(k -> k.startsWith("PEERLINK_") || k.startsWith("SERVER_")
                || k.startsWith("SPRING_") || k.startsWith("MANAGEMENT_") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("JDK_JAVA_OPTIONS"));
        environment.put("PEERLINK_LISTEN_HOST", host);
        environment.put("PEERLINK_LISTEN_PORT", Integer.toString(PEER_PORT));
        environment.put("PEERLINK_DATA_DIR", dataDir.toString());
        environment.put("SERVER_ADDRESS", host);
        environment.put("SERVER_PORT", Integer.toString(API_PORT));
        env.forEach((key, value) -> {
            if (value == null) {
                environment.remove(key);
            } else {
                environment.put(key, value);
            }
        });
        startedNanos = System.nanoTime();
        launcher = pb.start();
        peer = timeout.isPresent() ? awaitChild(launcher) : launcher.toHandle();
        STARTED.add(this);
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

    /** Waits up to {@link #START_TIMEOUT} from now until {@code /actuator/health} says UP; fails otherwise. */
    public void awaitHealthy() {
        try {
            awaitHealthyUntil(System.nanoTime() + START_TIMEOUT.toNanos(), START_TIMEOUT);
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /**
     * Polls {@code /actuator/health} every 50 ms until it answers 200 UP; returns the time since the
     * process was started. Throws IllegalStateException when the process exits or {@code timeout} passes.
     */
    public Duration awaitHealthy(Duration timeout) {
        return awaitHealthyUntil(startedNanos + timeout.toNanos(), timeout);
    }

    private Duration awaitHealthyUntil(long deadline, Duration timeout) {
        long next = System.nanoTime();
        while (true) {
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited" + exitNote() + " before it was healthy\n" + logTail());
            }
            try {
                HttpResponse<String> r = send("GET", "/actuator/health", null, Duration.ofSeconds(2));
                if (r.statusCode() == 200 && r.body().contains("\"status\":\"UP\"")) {
                    return Duration.ofNanos(System.nanoTime() - startedNanos);
                }
            } catch (IOException e) {
                // not listening yet
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

    private String exitNote() {
        return launcher != null && !launcher.isAlive() ? " with " + launcher.exitValue() : "";
    }

    /** Starts the process again on the same host and data directory and waits until it is healthy. */
    public void restart() throws IOException {
        start();
        awaitHealthy();
    }

    /** Waits until this peer lists a peer as CONNECTED (bounded). */
    public void awaitConnected(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                HttpResponse<String> r = send("GET", "/api/peers", null, Duration.ofSeconds(5));
                if (r.statusCode() == 200 && r.body().contains("\"state\":\"CONNECTED\"")) {
                    return;
                }
            } catch (IOException e) {
                // try again
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not connect within " + timeout.toSeconds() + " s\n"
                        + logTail());
            }
            sleepMillis(50);
        }
    }

    public boolean isAlive() {
        ProcessHandle p = peer;
        return p != null && p.isAlive();
    }

    /** The java process's id; the process must have been started. */
    /** The process last started (the launcher when a lifetime runs it under timeout(1)), for its exit. */
    public Process process() {
        return launcher;
    }

    public long pid() {
        return peer.pid();
    }

    /** Kills the java process (SIGKILL) and waits until it is gone. Never throws. */
    public void kill() {
        ProcessHandle p = peer;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            p.onExit().get(30, TimeUnit.SECONDS);
            reapLauncher();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.err.println(name + " (pid " + p.pid() + ") is still alive 30 s after SIGKILL");
        }
    }

    /**
     * Stops the process the way a service manager does (SIGTERM) and waits until it is gone; fails if
     * it is still running after {@link #STOP_TIMEOUT} (and kills it then).
     */
    public void stop() {
        if (!terminate(STOP_TIMEOUT)) {
            throw new AssertionError(name + " was still running " + STOP_TIMEOUT.toSeconds()
                    + " s after SIGTERM (killed now)\n" + logTail());
        }
    }

    /** SIGTERM, up to 20 s, then SIGKILL; for clean-up: never throws. */
    @Override
    public void close() {
        try {
            if (!terminate(Duration.ofSeconds(20))) {
                System.err.println(name + " ignored SIGTERM for 20 s: killed");
            }
        } catch (RuntimeException e) {
            kill();
        }
    }

    /** SIGTERM, bounded wait; false when it had to be killed. */
    private boolean terminate(Duration patience) {
        ProcessHandle p = peer;
        if (p == null || !p.isAlive()) {
            reapLauncher();
            return true;
        }
        p.destroy();
        try {
            p.onExit().get(patience.toMillis(), TimeUnit.MILLISECONDS);
            reapLauncher();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            return false;
        } catch (Exception e) {
            kill();
            return false;
        }
    }

    private void reapLauncher() {
        Process l = launcher;
        if (l == null || l.toHandle().equals(peer)) {
            return;
        }
        try {
            if (!l.waitFor(10, TimeUnit.SECONDS)) {
                l.destroyForcibly();
                l.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            l.destroyForcibly();
        }
    }

    // ---- HTTP ------------------------------------------------------------------------------------

    public String peerId() {
        return json("GET", "/api/identity", null, 200).get("peerId").asString();
    }

    /** CONNECTED, DISCONNECTED, or null when the peer is unknown here. */
    public String peerState(String otherId) {
        HttpResponse<String> r = request("GET", "/api/peers/" + otherId, null);
        return r.statusCode() == 200 ? Http.parse(r.body()).get("state").asString() : null;
    }

    /** A call that must answer {@code expectedStatus}; fails with the body otherwise. */
    public JsonNode json(String method, String path, Object body, int expectedStatus) {
        HttpResponse<String> r = request(method, path, body);
        if (r.statusCode() != expectedStatus) {
            throw new AssertionError(String.format("%s %s at %s: expected status %d, got %d: %s", method, path, name,
                    expectedStatus, r.statusCode(), Http.abbreviate(r.body())));
        }
        return Http.parse(r.body());
    }

    /** A GET without the bearer token, 10 s time-out. */
    public HttpResponse<String> get(String path) throws IOException {
        try {
            return Http.CLIENT.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A GET (any content type: no Accept header, the bearer token if set) that must answer 200; its body. */
    public String getBody(String path) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
        String token = bearerToken;
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r;
        try {
            r = Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " at " + name + ": HTTP " + r.statusCode() + " "
                    + Http.abbreviate(r.body()));
        }
        return r.body();
    }

    /** A call that must get an answer (any status) within 45 s; fails the test otherwise. */
    public HttpResponse<String> request(String method, String path, Object body) {
        try {
            return send(method, path, body, Duration.ofSeconds(45));
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " at " + name + " failed: " + e + "\n" + logTail(), e);
        }
    }

    /** A call that may fail (no answer within {@code timeout}, connection refused or reset). */
    public HttpResponse<String> send(String method, String path, Object body, Duration timeout) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(timeout)
                .header("Accept", "application/json");
        String token = bearerToken;
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Http.write(body)));
        }
        try {
            return Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String path) {
        return URI.create("http://" + (apiHost != null ? apiHost : host) + ":" + apiPort + path);
    }

    /** The bearer token set with {@link #bearer}, or null. */
    public String bearerToken() {
        return bearerToken;
    }

    // ---- what the process uses -------------------------------------------------------------------

    /** CPU time (user + system) of the java process so far, in seconds; NaN when unreadable. */
    public double cpuSeconds() {
        ProcessHandle p = peer;
        return p == null ? Double.NaN : ProcessCpu.seconds(p.pid());
    }

    /** VmRSS, VmHWM, RssAnon and RssFile in MiB from /proc/&lt;pid&gt;/status; NaN when unreadable. */
    public Memory memory() {
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
    public record Memory(double rssMiB, double hwmMiB, double anonMiB, double fileMiB) {
    }

    private static double kibToMib(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) / 1024.0;
    }

    // ---- the log ---------------------------------------------------------------------------------

    public Path log() {
        return log;
    }

    /** Removes the log of an earlier run, so that the log holds this run's starts only. */
    public void deleteLog() throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        Files.deleteIfExists(log);
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "---- last lines of " + log + "\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log " + log + ": " + e.getMessage() + ")";
        }
    }

    public static void sleepMillis(long millis) {
        sleepNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    public static void sleepNanos(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name + "@" + host;
    }
}
