package io.peerlink.e2e;

import io.peerlink.identity.IdentityStore;
import io.peerlink.support.NamespaceForwarder;
import io.peerlink.support.NatLab;
import io.peerlink.support.NatLab.Place;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One {@link NatLab} for a test class and the peers it runs inside: each peer is the packaged jar
 * started with {@code ip netns exec <ns>}, its peer port on the place's address, its API on its own
 * address of the namespace's loopback (127.0.0.10, .11, ...), reached from the test JVM through a {@link NamespaceForwarder} on the first
 * e2e host ({@code -Dpeerlink.e2e.hosts}) and a free port.
 *
 * <p>Namespaces are named {@code <prefix>-...}, prefix {@code -Dpeerlink.e2e.netns-prefix} (default
 * {@value #DEFAULT_PREFIX}); data directories are under {@code target/e2e/<prefix>}, emptied on open.
 * {@link #close} stops the peers (SIGTERM, then SIGKILL, by pid), the forwarders, then removes the lab.
 * Not thread-safe.
 */
final class NatPeers implements AutoCloseable {

    static final String DEFAULT_PREFIX = "pl5e2e";
    static final Duration START_TIMEOUT = Duration.ofSeconds(600);

    final NatLab lab;
    private final Path dataDirs;
    private final List<PeerProcess> peers = new ArrayList<>();
    private final List<NamespaceForwarder> forwarders = new ArrayList<>();

    private NatPeers(NatLab lab, Path dataDirs) {
        this.lab = lab;
        this.dataDirs = dataDirs;
    }

    /** Builds the lab (skipping the test where namespaces cannot be made, failing in CI). */
    static NatPeers open() throws IOException {
        String prefix = System.getProperty("peerlink.e2e.netns-prefix", DEFAULT_PREFIX);
        Path dataDirs = E2e.logs().resolve(prefix);
        deleteRecursively(dataDirs);
        NatLab lab = NatLab.open(E2e.repo(), prefix, E2e.logs().resolve(prefix + "-lab.log"));
        return new NatPeers(lab, dataDirs);
    }

    /**
     * A peer (not started) at {@code place}, with its own data directory and the log
     * {@code target/e2e/<name>.log} (emptied); {@code connect} as {@code PEERLINK_CONNECT}, may be null.
     */
    PeerProcess peer(String name, Place place, String connect) throws IOException {
        // the API on the namespace's loopback (no token needed), its own address there: peers may share a namespace
        String apiHost = "127.0.0." + (10 + peers.size());
        NamespaceForwarder api = lab.forward(E2e.hostA(), place, apiHost, E2e.API_PORT);
        forwarders.add(api);
        PeerProcess p = PeerProcess.launchedBy(lab.exec(place), name, place.address, dataDirs.resolve(name), connect)
                .env("SERVER_ADDRESS", apiHost)
                .api(api.host(), api.port());
        p.deleteLog();
        peers.add(p);
        return p;
    }

    /**
     * Starts the peers given, all at once, and waits until each is healthy: up to {@link #START_TIMEOUT}
     * from its start, more than one peer alone gets ({@link PeerProcess#START_TIMEOUT}), as several
     * JVMs start at once on a machine of two cores.
     */
    static void startAll(PeerProcess... toStart) throws IOException {
        for (PeerProcess p : toStart) {
            p.start();
        }
        for (PeerProcess p : toStart) {
            try {
                p.awaitHealthy(START_TIMEOUT);
            } catch (IllegalStateException e) {
                throw new AssertionError(e.getMessage(), e);
            }
        }
    }

    /**
     * The peer's identity, made now in its data directory unless it is there (the peer loads it at
     * start): its peerId is known before it runs, and the key generation is not part of its start.
     */
    static String identity(PeerProcess peer) throws IOException {
        return new IdentityStore(peer.dataDir, 2048).loadOrCreate().peerId();
    }

    /** The last lines of every peer's log, for a failure message. */
    String logs() {
        StringBuilder sb = new StringBuilder();
        peers.forEach(p -> sb.append(p.logTail()).append('\n'));
        return sb.toString();
    }

    @Override
    public void close() {
        peers.forEach(PeerProcess::close);
        forwarders.forEach(NamespaceForwarder::close);
        lab.close();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
