package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * One peer process: the packaged jar started with {@code java -jar} and only this test's settings
 * (environment variables), its peer port {@value E2e#PEER_PORT} and control API {@value E2e#API_PORT}
 * on one loopback host, its data directory, its log ({@code target/e2e/<name>.log}, appended to on
 * every start), and the HTTP calls made against it.
 *
 * <p>It can be killed ({@link #kill()}: SIGKILL), stopped ({@link #stop()}: SIGTERM, Spring's
 * graceful shutdown) and started again on the same host and data directory. Every process started
 * is killed when the test JVM exits, should a test class not get to its {@code @AfterAll}.
 *
 * <p>Not thread-safe for start/stop; the HTTP calls may be made from any thread.
 */
class PeerProcess {

    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);

    private static final Set<PeerProcess> STARTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(PeerProcess::kill), "e2e-peer-kill"));
    }

    final String name;
    final String host;
    final Path dataDir;
    final String connect;
    private final Map<String, String> extraEnv = new LinkedHashMap<>();
    private final List<String> jvmOptions = new java.util.ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
    private volatile String bearerToken;
    private volatile String apiHost;
    private volatile int apiPort = E2e.API_PORT;
    Process process;

    /**
     * @param connect {@code PEERLINK_CONNECT} (peers dialled at start-up), or null for none
     */
    PeerProcess(String name, String host, Path dataDir, String connect) {
        this.name = name;
        this.host = host;
        this.dataDir = dataDir;
        this.connect = connect;
    }

    /** Another environment variable for every later start; a null value leaves {@code key} unset. */
    PeerProcess env(String key, String value) {
        extraEnv.put(key, value);
        return this;
    }

    /** The JVM options of every later start instead of the default ones (e.g. {@link E2e#imageJvmOptions()}). */
    PeerProcess jvmOptions(List<String> options) {
        jvmOptions.clear();
        jvmOptions.addAll(options);
        return this;
    }

    /**
     * Where the HTTP calls of this test go, when the peer's API is not on {@code host:}{@value E2e#API_PORT}
     * (a peer started with other {@code SERVER_*} settings through {@link #env}).
     */
    PeerProcess api(String apiHost, int apiPort) {
        this.apiHost = apiHost;
        this.apiPort = apiPort;
        return this;
    }

    /** The API token every later HTTP call of this test sends ({@code Authorization: Bearer}); null for none. */
    PeerProcess bearer(String token) {
        this.bearerToken = token;
        return this;
    }

    /** Starts the process (without waiting for it to be healthy); the previous one must be gone. */
    void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is still running (pid " + process.pid() + ")");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // native access for ACCP and sqlite-jdbc, as the image and scripts/two-peers.sh pass it
        List<String> command = new java.util.ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", E2e.jar().toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        Map<String, String> env = pb.environment();
        // only this test's settings: nothing from the developer's shell (an API token, a port)
        env.keySet().removeIf(k -> k.startsWith("PEERLINK_") || k.startsWith("SERVER_")
                || k.startsWith("SPRING_") || k.startsWith("MANAGEMENT_") || k.equals("JAVA_TOOL_OPTIONS"));
        env.put("PEERLINK_LISTEN_HOST", host);
        env.put("PEERLINK_LISTEN_PORT", Integer.toString(E2e.PEER_PORT));
        env.put("PEERLINK_DATA_DIR", dataDir.toString());
        env.put("PEERLINK_KEY_SIZE", "2048");   // key generation stays quick
        env.put("SERVER_ADDRESS", host);
        env.put("SERVER_PORT", Integer.toString(E2e.API_PORT));
        if (connect != null) {
            env.put("PEERLINK_CONNECT", connect);
        }
        extraEnv.forEach((key, value) -> {
            if (value == null) {
                env.remove(key);
            } else {
                env.put(key, value);
            }
        });
        process = pb.start();
        STARTED.add(this);
    }

    void awaitHealthy() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                fail(name + " exited with " + process.exitValue() + " before it was healthy\n" + logTail());
            }
            try {
                HttpResponse<String> r = get("/actuator/health");
                if (r.statusCode() == 200 && r.body().contains("\"status\":\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                fail(name + " was not healthy within " + START_TIMEOUT.toSeconds() + " s\n" + logTail());
            }
            E2e.sleep(200);
        }
    }

    /** Starts the process again on the same host and data directory and waits until it is healthy. */
    void restart() throws IOException {
        start();
        awaitHealthy();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Kills the process (SIGKILL, through its handle) and waits until it is gone. */
    void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                System.err.println(name + " (pid " + process.pid() + ") is still alive 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the process the way a service manager does (SIGTERM) and waits until it is gone; fails if
     * it is still running after {@link #STOP_TIMEOUT} (and kills it then).
     */
    void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        boolean exited;
        try {
            exited = process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (!exited) {
            kill();
            fail(name + " was still running " + STOP_TIMEOUT.toSeconds() + " s after SIGTERM (killed now)\n"
                    + logTail());
        }
    }

    String peerId() {
        return json("GET", "/api/identity", null, 200).get("peerId").asString();
    }

    /** CONNECTED, DISCONNECTED, or null when the peer is unknown here. */
    String peerState(String otherId) {
        HttpResponse<String> r = request("GET", "/api/peers/" + otherId, null);
        return r.statusCode() == 200 ? Http.parse(r.body()).get("state").asString() : null;
    }

    JsonNode json(String method, String path, Object body, int expectedStatus) {
        HttpResponse<String> r = request(method, path, body);
        assertThat(r.statusCode()).as("%s %s at %s: %s", method, path, name, Http.abbreviate(r.body()))
                .isEqualTo(expectedStatus);
        return Http.parse(r.body());
    }

    HttpResponse<String> get(String path) throws IOException {
        try {
            return Http.CLIENT.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A call that must get an answer (any status) within 45 s; fails the test otherwise. */
    HttpResponse<String> request(String method, String path, Object body) {
        try {
            return send(method, path, body, Duration.ofSeconds(45));
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " at " + name + " failed: " + e + "\n" + logTail(), e);
        }
    }

    /** A call that may fail (no answer within {@code timeout}, connection refused or reset). */
    HttpResponse<String> send(String method, String path, Object body, Duration timeout) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(timeout)
                .header("Accept", "application/json");
        if (bearerToken != null) {
            b.header("Authorization", "Bearer " + bearerToken);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Http.write(body)));
        }
        try {
            return Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return URI.create("http://" + (apiHost != null ? apiHost : host) + ":" + apiPort + path);
    }

    Path log() {
        return E2e.logs().resolve(name + ".log");
    }

    /** Removes the log of an earlier run, so that the log holds this run's starts only. */
    void deleteLog() throws IOException {
        Files.createDirectories(log().getParent());
        Files.deleteIfExists(log());
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return "---- last lines of " + log() + "\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log " + log() + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return name + "@" + host;
    }
}
