package io.peerlink.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real NAT in network namespaces, built and removed by {@code scripts/nat-lab.sh} (one topology for
 * the tests and for a person trying it by hand): a wan with the relays' addresses, and two homes,
 * each behind a router namespace doing MASQUERADE. Every namespace's name starts with the lab's
 * prefix, every address is in 198.18.0.0/16, and nothing is added to the root namespace: the test
 * JVM reaches a peer's API through a {@link NamespaceForwarder}.
 *
 * <p>{@link #open} first removes the leftovers of an earlier run with the same prefix (a killed
 * build), and {@link #close} removes everything again: the processes still running inside the
 * namespaces (by their ids) and the namespaces. Where namespaces cannot be made (not root, no
 * CAP_SYS_ADMIN) it skips the test with the reason, except in CI ({@code CI=true}), where that fails.
 *
 * <p>Not thread-safe for open/close; {@link #dial} may be called from any thread.
 */
public final class NatLab implements AutoCloseable {

    /** The peer port and the API port of a peer in the lab (the API on the namespace's loopback). */
    public static final int PEER_PORT = PeerProcess.PEER_PORT;

    /** Where a process runs: a namespace of the lab and the address it has there. */
    public enum Place {
        /** The internet: the relay R's address. */
        RELAY("wan", "198.18.0.10"),
        /** The internet: the second relay R2's address (same namespace as R). */
        RELAY2("wan", "198.18.0.11"),
        /** The internet: another peer with an open port (same namespace as R). */
        WAN_PEER("wan", "198.18.0.20"),
        /** Home A's host, behind nat-a. */
        HOME_A("a", "198.18.1.2"),
        /** Home B's host, behind nat-b. */
        HOME_B("b", "198.18.2.2"),
        /** nat-a's public address on the wan (its wan0). */
        NAT_A("nat-a", "198.18.0.2"),
        /** nat-b's public address on the wan. */
        NAT_B("nat-b", "198.18.0.3");

        private final String suffix;
        public final String address;

        Place(String suffix, String address) {
            this.suffix = suffix;
            this.address = address;
        }
    }

    /** What a TCP connect from inside the lab came to. */
    public enum Dial {
        CONNECTED, REFUSED, UNREACHABLE, TIMED_OUT
    }

    private final Path script;
    private final String prefix;
    private final Path log;

    private NatLab(Path script, String prefix, Path log) {
        this.script = script;
        this.prefix = prefix;
        this.log = log;
    }

    /**
     * Builds the lab ({@code scripts/nat-lab.sh up} with {@code NAT_LAB_PREFIX=prefix}), removing an
     * earlier one of the same prefix first. Skips the calling test where namespaces cannot be created,
     * fails instead when {@code CI=true}; fails when anything else is missing (iptables, socat).
     *
     * @param repo the repository (where {@code scripts/nat-lab.sh} is)
     * @param log the file the script's output is appended to
     */
    public static NatLab open(Path repo, String prefix, Path log) throws IOException {
        NatLab lab = new NatLab(repo.resolve("scripts/nat-lab.sh"), prefix, log);
        lab.requireNamespaces();
        requireCommand("socat", "apt-get install socat (the test JVM reaches the APIs in the lab through it)");
        Result up = lab.script("up", Duration.ofSeconds(60));
        if (up.exit != 0) {
            lab.close();
            throw new AssertionError("scripts/nat-lab.sh up failed (" + up.exit + "):\n" + up.output);
        }
        return lab;
    }

    /** Skips (or in CI fails) unless a namespace can be created and removed here. */
    private void requireNamespaces() throws IOException {
        String probe = prefix + "-probe";
        run(List.of("ip", "netns", "del", probe), Duration.ofSeconds(10));
        Result add = run(List.of("ip", "netns", "add", probe), Duration.ofSeconds(10));
        if (add.exit == 0) {
            run(List.of("ip", "netns", "del", probe), Duration.ofSeconds(10));
            return;
        }
        String why = "network namespaces cannot be created here (`ip netns add` answered " + add.exit + ": "
                + add.output.strip() + "); the NAT tests need root (CAP_SYS_ADMIN, CAP_NET_ADMIN)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(why + ". CI=true: this must not be skipped.");
        }
        Assumptions.abort(why + ": skipped.");
    }

    private static void requireCommand(String command, String hint) throws IOException {
        Result which = run(List.of("sh", "-c", "command -v " + command), Duration.ofSeconds(10));
        if (which.exit != 0) {
            throw new AssertionError(command + " not found: " + hint);
        }
    }

    /** The namespace of a place. */
    public String namespace(Place place) {
        return prefix + "-" + place.suffix;
    }

    /** The command prefix that runs a command inside the place's namespace ({@code ip netns exec <ns>}). */
    public List<String> exec(Place place) {
        return List.of("ip", "netns", "exec", namespace(place));
    }

    /**
     * A TCP connect from inside {@code from} to {@code host:port}, closed at once (bash's
     * {@code /dev/tcp}), bounded by {@code timeout}.
     */
    public Dial dial(Place from, String host, int port, Duration timeout) throws IOException {
        List<String> command = new ArrayList<>(exec(from));
        command.addAll(List.of("timeout", Long.toString(Math.max(1, timeout.toSeconds())), "bash", "-c",
                "exec 3<>/dev/tcp/" + host + "/" + port));
        Result r = run(command, timeout.plusSeconds(10));
        if (r.exit == 0) {
            return Dial.CONNECTED;
        }
        if (r.exit == 124) {
            return Dial.TIMED_OUT;
        }
        if (r.output.contains("refused")) {
            return Dial.REFUSED;
        }
        if (r.output.contains("unreachable") || r.output.contains("No route")) {
            return Dial.UNREACHABLE;
        }
        throw new IllegalStateException("dial from " + from + " to " + host + ":" + port + ": exit " + r.exit + ", "
                + r.output.strip());
    }

    /** A forwarder from {@code listenHost} (root namespace, a free port) to a place's {@code host:port}. */
    public NamespaceForwarder forward(String listenHost, Place place, String targetHost, int targetPort)
            throws IOException {
        return NamespaceForwarder.start(listenHost, namespace(place), targetHost, targetPort);
    }

    /** Ends what still runs inside the lab and deletes its namespaces ({@code nat-lab.sh down}); never throws. */
    @Override
    public void close() {
        try {
            Result down = script("down", Duration.ofSeconds(60));
            if (down.exit != 0) {
                System.err.println("scripts/nat-lab.sh down failed (" + down.exit + "):\n" + down.output);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("scripts/nat-lab.sh down failed: " + e);
        }
    }

    private Result script(String verb, Duration timeout) throws IOException {
        Result r = run(List.of("bash", script.toString(), verb), timeout, "NAT_LAB_PREFIX", prefix);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Files.writeString(log, "$ nat-lab.sh " + verb + " (exit " + r.exit + ")\n" + r.output,
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return r;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Duration timeout, String... env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        for (int i = 0; i + 1 < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        try {
            // the commands print a few lines at most: read to the end, then wait
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " still running after " + timeout);
            }
            return new Result(p.exitValue(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }
}
