package io.peerlink.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 12, "Scale", first item: one peer (the product's {@link io.peerlink.messaging.PeerConnectionService}
 * with its SQLite store, in this JVM) holding {@value #CONNECTIONS} established connections from
 * {@link ScaleClients} (another JVM, so that this one holds only the peer), spread over
 * {@value #SOURCES} loopback source addresses. Memory is the live heap after a full GC (class
 * histogram) at {@value #BASE} connections and at {@value #CONNECTIONS}, divided by the difference,
 * so one-time costs (classes, JCA caches, the store) stay out of the per-connection figure.
 *
 * <p>Settings of the peer under test: the product's defaults, except {@code max-connections}
 * ({@value #MAX_CONNECTIONS}, default 64) and the listen address. The clients are the peer's
 * contacts (their keys are stored as contacts before the peer starts, {@link BenchPeers#start(Map,
 * io.peerlink.transport.ConnectionObserver, List)}): a peer with 1,000 correspondents, as issue 12
 * meant it. As unknown identities (issue 17) they would meet the caps that keep strangers from
 * taking a peer's connections (25 % of the slots reserved for contacts, 4 unknowns per address) and
 * the message-request quota (20 messages per stranger) in the load windows; those defaults are the
 * product's and stay. The clients dial {@value #DIAL_CONCURRENCY} at a time from {@value #SOURCES}
 * source addresses, consecutive clients from different ones: far below the per-address handshake
 * limit (8), and the per-source token bucket (20 handshakes a second, bursts of 5) allows
 * {@value #SOURCES} × 20 a second, several times the set-up rate. The peer's own count of failed
 * handshakes by reason ({@link HandshakeCounts}) goes into each row and into a failure.
 */
final class ScaleRun {

    static final String AREA = "scale: 1 peer, 1,000 connections";
    static final int CONNECTIONS = 1_000;
    static final int BASE = 100;
    static final int SOURCES = 50;
    static final int MAX_CONNECTIONS = 1_100;
    static final int DIAL_CONCURRENCY = 16;
    static final int CLIENT_KEY_BITS = 2048;
    static final int MESSAGE_BYTES = 256;
    static final String PEER_HOST = System.getProperty("bench.scale.host", "127.0.3.2");
    /** Source addresses of the clients: 127.0.3.10 and on. */
    static final String SOURCE_PREFIX = System.getProperty("bench.scale.sources", "127.0.3.");
    static final int SOURCE_FIRST = 10;
    static final double AIM_KIB = 64;

    private ScaleRun() {
    }

    /** The three scale measurements: connections, handshakes served (against TLS 1.3), the mesh. */
    static void run(Path directory, Results results, double scale, List<Transport> handshakes) {
        BenchPeers.quietLogs();
        connections(directory, results, scale);
        handshakes(results, scale, handshakes);
        MeshRun.run(directory, results);
    }

    static final String HANDSHAKE_AREA = "scale: handshakes served";
    static final int[] HANDSHAKE_CLIENTS = {8, 32};
    static final int HANDSHAKE_ROUNDS = 2;

    /**
     * Handshakes per second with 8 and 32 concurrent clients, peerlink and JDK TLS 1.3 through the
     * same {@link HandshakeRun} (client and server in this JVM, new connection each, the server's
     * side as the transport serves it: for peerlink {@link io.peerlink.handshake.HandshakeDriver#server}
     * on the accepting thread, without the listener's admission, which the 1,000-connection set-up
     * above goes through). Interleaved by {@link HandshakeRun}: per level, round 1 of peerlink, round 1
     * of TLS, round 2 of each, ...; each ratio from the two runs of the same round.
     */
    private static void handshakes(Results results, double scale, List<Transport> transports) {
        Transport peerlink = transports.stream().filter(t -> t.name().equals("peerlink")).findFirst().orElse(null);
        Transport tls = transports.stream().filter(t -> t.name().equals("tls13")).findFirst().orElse(null);
        if (peerlink == null || tls == null) {
            results.failed(HANDSHAKE_AREA, "peerlink", "", new IllegalStateException(
                    "needs the peerlink and tls13 transports (bench.transports?)"));
            return;
        }
        Transport[] subjects = {peerlink, tls};
        double[][][] rates = new double[HANDSHAKE_CLIENTS.length][subjects.length][];
        long[] resumed = new long[subjects.length];
        try {
            // HandshakeRun interleaves the subjects round by round within each level
            List<Object> outcomes = HandshakeRun.run(List.of(subjects), new HandshakeRun.Settings(40,
                    BenchMain.ms(3_000, scale), HANDSHAKE_ROUNDS, (int) Math.max(10, Math.round(60 * scale)),
                    BenchMain.ms(4_000, scale)), HANDSHAKE_CLIENTS);
            for (int s = 0; s < subjects.length; s++) {
                if (outcomes.get(s) instanceof Exception e) {
                    throw new IllegalStateException(subjects[s].name() + " failed", e);
                }
                @SuppressWarnings("unchecked")
                List<HandshakeRun.Outcome> levels = (List<HandshakeRun.Outcome>) outcomes.get(s);
                for (int c = 0; c < HANDSHAKE_CLIENTS.length; c++) {
                    HandshakeRun.Outcome o = levels.get(c);
                    rates[c][s] = o.perSecond();
                    if (o.fullServerHandshakes() >= 0) {
                        resumed[s] += o.handshakes() - o.fullServerHandshakes();
                    }
                }
            }
        } catch (Exception e) {
            BenchMain.progress("scale: handshakes FAILED: %s", e);
            results.failed(HANDSHAKE_AREA, "peerlink", "", e);
            return;
        }
        for (int c = 0; c < HANDSHAKE_CLIENTS.length; c++) {
            String parameter = HANDSHAKE_CLIENTS[c] + " concurrent clients";
            for (int s = 0; s < subjects.length; s++) {
                results.add(HANDSHAKE_AREA, subjects[s].name(), parameter, "handshakes/s", Stats.of(rates[c][s]),
                        HANDSHAKE_ROUNDS + " rounds interleaved with the other subject; client and server share the "
                                + "2 cores" + (s == 1 ? "; abbreviated (resumed) handshakes: " + resumed[s] : ""));
            }
            double[] ratio = new double[HANDSHAKE_ROUNDS];
            for (int r = 0; r < HANDSHAKE_ROUNDS; r++) {
                ratio[r] = rates[c][0][r] / rates[c][1][r];
            }
            results.add("ratio", "peerlink / tls13, paired", HANDSHAKE_AREA + ", " + parameter, "× handshakes/s",
                    Stats.of(ratio), "median of the " + HANDSHAKE_ROUNDS + " rounds' own ratios; higher is better");
            BenchMain.progress("scale: handshakes, %d clients: peerlink %s/s, tls13 %s/s, paired ratio %.2f",
                    HANDSHAKE_CLIENTS[c], Results.format(Stats.of(rates[c][0]).median()),
                    Results.format(Stats.of(rates[c][1]).median()), Stats.of(ratio).median());
        }
    }

    private static void connections(Path directory, Results results, double scale) {
        Path work = directory.resolve("scale");
        BenchPeers.Peer peer = null;
        Process clients = null;
        HandshakeCounts counts = new HandshakeCounts();
        try {
            BenchKeys.Cache keys = BenchKeys.ensure(keys(directory), CLIENT_KEY_BITS, CONNECTIONS);
            BenchMain.progress("scale: %d client keys (RSA-%d) in %s%s", keys.count(), CLIENT_KEY_BITS, keys.file(),
                    keys.generated() == 0 ? " (cached)" : String.format(Locale.ROOT, ", %d generated in %.0f s",
                            keys.generated(), keys.generateSeconds()));
            Path dataDir = fresh(work.resolve("peer"));
            BenchKeys.identity(keys(directory), "scale-peer", 3072, dataDir);
            // the clients are the peer's contacts; every admission default is the product's
            List<PublicKey> contacts = BenchKeys.read(keys.file(), CONNECTIONS).stream().map(KeyPair::getPublic)
                    .toList();
            peer = BenchPeers.start(Map.of("listen-host", PEER_HOST, "listen-port", "0", "data-dir",
                    dataDir.toString(), "max-connections", Integer.toString(MAX_CONNECTIONS)), counts, contacts);
            var p = peer.properties();
            String settings = "max-connections " + MAX_CONNECTIONS + " (default 64), max-handshakes "
                    + p.maxHandshakes() + ", per address " + p.maxHandshakesPerAddress() + ", keep-alive "
                    + p.keepAliveInterval().toSeconds() + " s, idle time-out " + p.idleTimeout().toSeconds()
                    + " s, contact reserve " + p.reservedConnectionsPercent() + " %, unknowns per address "
                    + p.maxUnknownConnectionsPerAddress() + " (the clients are contacts)";
            List<String> sources = new ArrayList<>();
            for (int i = 0; i < SOURCES; i++) {
                sources.add(SOURCE_PREFIX + (SOURCE_FIRST + i));
            }
            clients = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "--enable-native-access=ALL-UNNAMED", // ACCP (RSA-OAEP decryption) is native
                    "-cp", System.getProperty("java.class.path"), ScaleClients.class.getName(),
                    PEER_HOST, Integer.toString(peer.service().listenPort()), keys.file().toString(),
                    String.join(",", sources), Integer.toString(DIAL_CONCURRENCY),
                    Long.toString(p.keepAliveInterval().toMillis()), Integer.toString(MESSAGE_BYTES),
                    Integer.toString(CONNECTIONS))
                    .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("clients.log").toFile())).start();
            Control control = new Control(clients);
            control.expect("READY");

            HeapSnapshot empty = HeapSnapshot.take(work);
            String[] first = control.ask("CONNECT 0 " + BASE, "CONNECTED");
            requireOpen(first, BASE, peer, counts);
            Thread.sleep(1_000);
            HeapSnapshot base = HeapSnapshot.take(work);
            String[] all = control.ask("CONNECT " + BASE + " " + CONNECTIONS, "CONNECTED");
            requireOpen(all, CONNECTIONS, peer, counts);
            double setupSeconds = Long.parseLong(all[3]) / 1e3;
            Thread.sleep(2_000);
            HeapSnapshot full = HeapSnapshot.take(work);
            int added = CONNECTIONS - BASE;

            double perConnection = (full.liveBytes() - base.liveBytes()) / 1024.0 / added;
            List<String> top = full.topGrowth(base, added, 6);
            Files.writeString(work.resolve("heap-growth.txt"), String.join("\n", full.topGrowth(base, added, 40)) + "\n");
            results.add(AREA, "peerlink", "heap per idle connection", "KiB", perConnection,
                    String.format(Locale.ROOT, "aim ≤ %.0f KiB: %s; live heap after full GC (class histogram) at %d "
                            + "and %d connections, difference / %d (from 0: %.1f KiB); largest per connection: %s",
                            AIM_KIB, perConnection <= AIM_KIB ? "met" : "MISSED", BASE, CONNECTIONS, added,
                            (full.liveBytes() - empty.liveBytes()) / 1024.0 / CONNECTIONS, String.join(", ", top)));
            results.add(AREA, "peerlink", "platform threads at 1,000", "threads", full.platformThreads(),
                    String.format(Locale.ROOT, "%+d from %d to %d connections (this JVM, the bench's threads included)",
                            full.platformThreads() - base.platformThreads(), BASE, CONNECTIONS));
            results.add(AREA, "peerlink", "virtual threads at 1,000", "threads", full.virtualThreads(),
                    String.format(Locale.ROOT, "%+d from %d to %d connections (JSON thread dump)",
                            full.virtualThreads() - base.virtualThreads(), BASE, CONNECTIONS));
            results.add(AREA, "peerlink", "connection set-up", "connections/s", added / setupSeconds,
                    String.format(Locale.ROOT, "%d full handshakes (peer RSA-3072, clients RSA-%d) through the "
                            + "listener's admission, %d dialling at once from %d source addresses (%s re-dialled "
                            + "after the peer closed them right after the handshake); %s; the peer: %s; client keys %s",
                            added, CLIENT_KEY_BITS, DIAL_CONCURRENCY, SOURCES, all[4], settings, counts,
                            keys.generated() == 0
                                    ? "from the cache" : String.format(Locale.ROOT, "generated first (%.0f s)",
                                            keys.generateSeconds())));
            // RSS is not a row: this JVM's heap (-Xms1g) is touched page by page as it is used, so the
            // difference says more about the collector than about the connections
            BenchMain.progress("scale: %.1f KiB heap per connection (%s), RSS %+.1f KiB, threads %d platform, %d "
                    + "virtual; set-up %.0f/s", perConnection, String.join(", ", top.subList(0, Math.min(3, top.size()))),
                    (full.rssKiB() - base.rssKiB()) / (double) added, full.platformThreads(), full.virtualThreads(),
                    added / setupSeconds);

            int rounds = 3;
            double[] rates = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long warm = BenchMain.ms(r == 0 ? 2_000 : 500, scale).toMillis();
                String[] rate = control.ask("LOAD 1 " + warm + " " + BenchMain.ms(2_000, scale).toMillis(), "RATE");
                rates[r] = Double.parseDouble(rate[1]);
            }
            String[] open = control.ask("OPEN", "OPEN");
            if (Integer.parseInt(open[1]) != CONNECTIONS || peer.service().connectedCount() != CONNECTIONS) {
                throw new IllegalStateException("after the load " + open[1] + " clients and "
                        + peer.service().connectedCount() + " peer connections were open, not " + CONNECTIONS
                        + "; the peer: " + counts);
            }
            Thread.sleep(1_000);
            HeapSnapshot afterLoad = HeapSnapshot.take(work);
            double perConnectionAfter = (afterLoad.liveBytes() - empty.liveBytes()) / 1024.0 / CONNECTIONS;
            results.add(AREA, "peerlink", "heap per connection, idle again after the load", "KiB", perConnectionAfter,
                    String.format(Locale.ROOT, "(live heap at 1,000 connections after the load − with none) / 1,000; "
                            + "what the traffic left behind per connection: %s",
                            String.join(", ", afterLoad.topGrowth(full, CONNECTIONS, 3))));
            results.add(AREA, "peerlink", "messages/s, all connections", "msg/s", Stats.of(rates), String.format(
                    Locale.ROOT, "%d B MESSAGE frames, each client keeps 1 unacknowledged (%d in flight); the peer "
                            + "commits each to SQLite (synchronous=FULL, group commit) before its ACK; %d windows "
                            + "of %d ms; all %d connections still open after", MESSAGE_BYTES, CONNECTIONS, rounds,
                    BenchMain.ms(2_000, scale).toMillis(), CONNECTIONS));
            BenchMain.progress("scale: %s msg/s across %d connections", Results.format(Stats.of(rates).median()),
                    CONNECTIONS);
            control.send("QUIT");
        } catch (Exception e) {
            BenchMain.progress("scale: 1,000 connections FAILED: %s", e);
            results.failed(AREA, "peerlink", "1,000 connections", e);
        } finally {
            if (clients != null) {
                clients.destroy();
                try {
                    if (!clients.waitFor(10, TimeUnit.SECONDS)) {
                        clients.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (peer != null) {
                peer.close();
            }
        }
    }

    private static void requireOpen(String[] answer, int expected, BenchPeers.Peer peer, HandshakeCounts counts)
            throws InterruptedException {
        int open = Integer.parseInt(answer[1]);
        // the peer attaches a connection just after its side of the handshake: give it a moment
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (peer.service().connectedCount() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (open != expected || peer.service().connectedCount() != expected) {
            throw new IllegalStateException(open + " clients and " + peer.service().connectedCount()
                    + " peer connections open, " + expected + " expected (" + String.join(" ", answer) + "); the peer: "
                    + counts);
        }
    }

    /**
     * Where the benchmark keys are cached: {@code -Dbench.keys=<dir>}, by default {@code keys} in the
     * bench directory (so {@code ./mvnw clean} costs one generation of them, see {@link BenchKeys}).
     */
    static Path keys(Path directory) {
        String configured = System.getProperty("bench.keys", "");
        return configured.isBlank() ? directory.resolve("keys") : Path.of(configured).toAbsolutePath();
    }

    /** An empty directory (emptied if it exists). */
    static Path fresh(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
        return Files.createDirectories(dir);
    }

    /** The line protocol with {@link ScaleClients}. */
    private static final class Control {
        private final BufferedReader in;
        private final PrintWriter out;

        Control(Process process) {
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.out = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        void send(String command) {
            out.println(command);
        }

        String[] ask(String command, String answer) throws IOException {
            send(command);
            return expect(answer);
        }

        String[] expect(String answer) throws IOException {
            String line;
            int skipped = 0;
            // The client's log lines share its stdout (logback's console appender: e.g. the crypto
            // provider line once ACCP has loaded); answers start with an upper-case word.
            while ((line = in.readLine()) != null && !line.matches("[A-Z]+( .*)?") && skipped++ < 1_000) {
                System.err.println("[scale clients] " + line);
            }
            if (line == null) {
                throw new IOException("the client process ended (see scale/clients.log)");
            }
            String[] words = line.trim().split(" ");
            if (!words[0].equals(answer)) {
                throw new IOException("client process said '" + line + "', expected " + answer);
            }
            return words;
        }
    }
}
