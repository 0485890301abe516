package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What every end-to-end test takes from the build (failsafe's system properties in pom.xml) and the
 * small waiting helpers they share.
 *
 * <p>Loopback hosts: {@code -Dpeerlink.e2e.hosts=A,B,C} (default {@value #DEFAULT_HOSTS}); peers run on
 * A and B, a test's TCP proxy on C. A value with two hosts still works: C is then the address after B
 * ({@code 127.0.3.3} gives {@code 127.0.3.4}).
 */
final class E2e {

    static final String DEFAULT_HOSTS = "127.0.0.2,127.0.0.3,127.0.0.4";
    static final int PEER_PORT = 5555;
    static final int API_PORT = 8080;

    private static final List<String> HOSTS = parseHosts(System.getProperty("peerlink.e2e.hosts"));

    private E2e() {
    }

    static String hostA() {
        return HOSTS.get(0);
    }

    static String hostB() {
        return HOSTS.get(1);
    }

    /** The third host, for a proxy between the peers. */
    static String hostC() {
        return HOSTS.get(2);
    }

    static Path jar() {
        return Path.of(required("peerlink.jar"));
    }

    /** The Docker image's JVM options ({@code src/main/docker/jvm.options}: -Xmx256m and the rest). */
    static List<String> imageJvmOptions() {
        try {
            return java.nio.file.Files.readAllLines(repo().resolve("src/main/docker/jvm.options")).stream()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path repo() {
        return Path.of(required("peerlink.basedir"));
    }

    static Path logs() {
        return Path.of(required("peerlink.e2e.logs"));
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            fail("system property " + property + " is not set: run this test with ./mvnw -B verify (failsafe)");
        }
        return value;
    }

    static void requireFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            fail(host + ":" + port + " is already in use (" + e.getMessage() + "). This test needs " + hostA() + " and "
                    + hostB() + ", ports " + PEER_PORT + " and " + API_PORT + ", free: is scripts/two-peers.sh running? "
                    + "Stop it with scripts/two-peers.sh stop. Another build? Give it other hosts with "
                    + "-Dpeerlink.e2e.hosts=127.0.3.2,127.0.3.3,127.0.3.4.");
        }
    }

    /**
     * Checks {@code condition} every 200 ms until it holds; fails after {@code timeout} with what was
     * awaited and {@code diagnostics} (log tails, say).
     */
    static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + "\n" + diagnostics.get());
            }
            sleep(200);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> parseHosts(String value) {
        String spec = value == null || value.isBlank() ? DEFAULT_HOSTS : value;
        List<String> hosts = Arrays.stream(spec.split(",")).map(String::strip).filter(h -> !h.isEmpty()).toList();
        if (hosts.size() == 2) {
            hosts = List.of(hosts.get(0), hosts.get(1), nextAddress(hosts.get(1)));
        }
        if (hosts.size() != 3) {
            throw new IllegalArgumentException("peerlink.e2e.hosts must name two or three loopback hosts, got " + spec);
        }
        for (String host : hosts) {
            try {
                if (!InetAddress.getByName(host).isLoopbackAddress()) {
                    throw new IllegalArgumentException("peerlink.e2e.hosts: " + host + " is not a loopback address");
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("peerlink.e2e.hosts: cannot resolve " + host, e);
            }
        }
        if (hosts.stream().distinct().count() != hosts.size()) {
            throw new IllegalArgumentException("peerlink.e2e.hosts must name distinct hosts, got " + hosts);
        }
        return hosts;
    }

    /** {@code n} loopback source addresses after the third host (for protocol-level peers in the test JVM). */
    static List<String> extraSources(int n) {
        List<String> sources = new java.util.ArrayList<>();
        String at = hostC();
        for (int i = 0; i < n; i++) {
            at = nextAddress(at);
            sources.add(at);
        }
        return sources;
    }

    private static String nextAddress(String ipv4) {
        String[] octets = ipv4.split("\\.");
        int last = octets.length == 4 ? Integer.parseInt(octets[3]) : -1;
        if (last < 0 || last >= 254) {
            throw new IllegalArgumentException("peerlink.e2e.hosts: name a third host explicitly (after " + ipv4 + ")");
        }
        return octets[0] + "." + octets[1] + "." + octets[2] + "." + (last + 1);
    }
}
