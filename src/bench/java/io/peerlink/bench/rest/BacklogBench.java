package io.peerlink.bench.rest;

import com.zaxxer.hikari.HikariDataSource;
import io.peerlink.store.Store;
import io.peerlink.support.Http;
import io.peerlink.support.PeerProcess;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Issue 16's backlog: a sender peer process with the Docker image's JVM options
 * ({@code src/main/docker/jvm.options}, so {@code -Xmx256m} and the serial collector) accepts
 * {@value #MESSAGES} messages of 60 KiB (about 350 MiB) for a receiver that is offline; then the
 * receiver starts (and dials the sender), and the sender drains the backlog to it.
 *
 * <ul>
 *   <li><b>Drain rate</b> (MiB/s of message text): from the moment the sender lists the receiver as
 *       CONNECTED until it reports no message to it undelivered ({@code undelivered} of
 *       {@code GET /api/peers/{id}}, polled every 100 ms): every message DELIVERED, that is committed
 *       by the receiver and acknowledged.</li>
 *   <li><b>Limit line</b>, measured in the same run: the same rows (one inbound message of 60 KiB and
 *       its event each) inserted and committed straight into a fresh SQLite file opened as the store
 *       opens it ({@link Store#openSqlite}: WAL, {@code synchronous=FULL}; {@link Store#migrate}), in
 *       transactions of {@value #LIMIT_BATCH} messages, on the same file system. The receiver has to do
 *       at least that much; the sender reads the same bytes and writes a status per message besides.</li>
 *   <li><b>Sender heap</b>: from its GC log ({@code -Xlog:gc}): during the drain the highest occupancy
 *       after a collection (live data plus what survived) and before one (everything allocated), and
 *       the committed heap; and <b>heap per queued message</b>: the occupancy after a full collection
 *       ({@code jcmd GC.run}) with the backlog queued, less the same before it was queued, over the
 *       messages.</li>
 * </ul>
 *
 * <p>A sender that runs out of memory ({@code OutOfMemoryError} in its log), exits, or does not
 * drain within {@code bench.backlog.drainSeconds} (default 150) gives a failed row saying so, never
 * a hang. Hosts: {@code -Dbench.backlog.hosts=sender,receiver} (default the REST part's two, which
 * are free again by then); {@code -Dbench.backlog.messages} (default 6,000) for trying it out.
 */
public final class BacklogBench {

    public static final String AREA = "backlog: 6,000 × 60 KiB to a peer that comes online";
    static final int MESSAGES = Integer.getInteger("bench.backlog.messages", 6_000);
    static final int TEXT_BYTES = 60 * 1024;
    static final int LIMIT_BATCH = 64;
    static final int SENDERS = 4;
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(Long.getLong("bench.backlog.drainSeconds", 150));
    static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(Long.getLong("bench.backlog.queueSeconds", 150));
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
    private static final long STARTED = System.nanoTime();

    private BacklogBench() {
    }

    /** Never throws: a failure is a row whose notes start with "FAILED: ". */
    public static List<RestBench.Row> run(Path jar, String subject) {
        return run(jar, subject, false);
    }

    /**
     * As {@link #run(Path, String)}; for a {@code baseline} jar (main before issue 16: the bug this
     * part was written for) a drain that ends in {@code OutOfMemoryError} is the expected outcome, not
     * a failure of the run: it becomes an ordinary row ("drain: out of heap", the messages still
     * undelivered, what the log said), so that a baseline comparison can pass. Any other failure of
     * the baseline, and every failure of this build's jar, stays a failed row.
     */
    public static List<RestBench.Row> run(Path jar, String subject, boolean baseline) {
        List<RestBench.Row> rows = new ArrayList<>();
        String[] hosts = System.getProperty("bench.backlog.hosts", RestBench.HOST_A + "," + RestBench.HOST_B)
                .split(",");
        Path work = null;
        PeerProcess sender = null;
        PeerProcess receiver = null;
        try {
            work = Files.createTempDirectory("peerlink-backlog-bench-");
            Path project = ImageLaunch.projectDir(jar);
            List<String> options = ImageLaunch.optionLines(project.resolve("src/main/docker/jvm.options"));
            Path gcLog = work.resolve("sender-gc.log");
            List<String> senderArgs = new ArrayList<>(options);
            senderArgs.add("-Xlog:gc:file=" + gcLog);
            Path java = RestBench.javaExecutable();
            Duration lifetime = QUEUE_TIMEOUT.plus(DRAIN_TIMEOUT).plusMinutes(3);
            String senderHost = hosts[0].strip();
            String receiverHost = hosts[1].strip();
            sender = RestBench.process("sender", senderHost, work.resolve("sender"), work.resolve("sender.log"), java,
                    jar, senderArgs, Map.of("PEERLINK_KEY_SIZE", "2048"), lifetime);
            Map<String, String> receiverEnv = new HashMap<>();
            receiverEnv.put("PEERLINK_KEY_SIZE", "2048");
            receiverEnv.put("PEERLINK_CONNECT", senderHost + ":" + PeerProcess.PEER_PORT);
            receiver = RestBench.process("receiver", receiverHost, work.resolve("receiver"),
                    work.resolve("receiver.log"), java, jar, options, receiverEnv, lifetime);
            sender.requirePortsFree();
            receiver.requirePortsFree();
            progress("%s: sender %s and receiver %s with jvm.options %s", subject, senderHost, receiverHost, options);

            // the receiver becomes known to the sender, then goes offline; both start at once (the
            // receiver re-dials until the sender listens): one start-up's wall time instead of two
            sender.start();
            receiver.start();
            sender.awaitHealthy(PeerProcess.START_TIMEOUT);
            receiver.awaitHealthy(PeerProcess.START_TIMEOUT);
            receiver.awaitConnected(Duration.ofSeconds(30));
            String receiverId = receiver.peerId();
            receiver.close();
            awaitState(sender, receiverId, "DISCONNECTED", Duration.ofSeconds(30));

            double heapBefore = heapAfterFullGc(sender, gcLog);
            double queueSeconds = queue(sender, receiverId);
            double heapQueued = heapAfterFullGc(sender, gcLog);
            double mib = MESSAGES * (double) TEXT_BYTES / (1 << 20);
            progress("%s: %,d messages (%.0f MiB) queued in %.1f s; sender heap after full GC %.1f → %.1f MiB", subject,
                    MESSAGES, mib, queueSeconds, heapBefore, heapQueued);
            rows.add(row(subject, "queue: " + MESSAGES + " POSTs of 60 KiB, " + SENDERS + " clients", "MiB/s",
                    mib / queueSeconds, String.format(Locale.ROOT, "%.1f s, every one 202; load %s", queueSeconds,
                            loadAverage())));
            rows.add(row(subject, "heap per queued message", "KiB", (heapQueued - heapBefore) * 1024 / MESSAGES,
                    String.format(Locale.ROOT, "sender's heap after a full GC (jcmd GC.run): %.1f MiB before queueing, "
                            + "%.1f MiB with %,d queued", heapBefore, heapQueued, MESSAGES)));

            // the drain
            long gcOffset = Files.size(gcLog);
            LogWatch senderLog = new LogWatch(sender.log());
            receiver.start();
            Drain drain = drain(sender, receiverId, senderLog);
            Heap heap = heapSince(gcLog, gcOffset);
            String load = loadAverage();
            if (drain.failure() != null && baseline && drain.outOfMemory()) {
                progress("%s: drain ran out of heap, as expected of this jar: %s", subject, drain.failure());
                rows.add(row(subject, "drain: out of heap (expected of the baseline)", "undelivered",
                        drain.undelivered() < 0 ? Double.NaN : drain.undelivered(), "not a failure of the run: the baseline is main before issue 16, "
                                + "whose unbounded flush this part was written for; " + drain.failure()
                                + "; sender heap during it: " + heap.describe() + "; load " + load));
            } else if (drain.failure() != null) {
                progress("%s: drain FAILED: %s", subject, drain.failure());
                rows.add(RestBench.Row.failedIn(AREA, subject, "drain", drain.failure() + "; sender heap during it: "
                        + heap.describe() + "; load " + load));
            } else {
                double rate = mib / drain.seconds();
                progress("%s: drained %.0f MiB in %.1f s (%.1f MiB/s) after the receiver connected %.1f s after its "
                        + "start; sender heap %s", subject, mib, drain.seconds(), rate, drain.connectSeconds(),
                        heap.describe());
                double limit = limitLine(work.resolve("limit"));
                rows.add(row(subject, "drain rate", "MiB/s", rate, String.format(Locale.ROOT,
                        "CONNECTED → none undelivered at the sender: %.1f s for %.0f MiB; the receiver (started after "
                                + "the messages were queued) connected %.1f s after its start; load %s",
                        drain.seconds(), mib, drain.connectSeconds(), load)));
                rows.add(row(subject, "limit: the same rows straight into SQLite", "MiB/s", limit,
                        String.format(Locale.ROOT, "%,d inbound rows of 60 KiB and their events into a fresh file "
                                + "as Store opens it (WAL, synchronous=FULL), %d per transaction, same file system; "
                                + "this JVM; load %s", MESSAGES, LIMIT_BATCH, loadAverage())));
                rows.add(row(subject, "drain rate / limit", "%", 100 * rate / limit, "aim ≥ 50 %"));
                rows.add(row(subject, "sender peak heap during the drain", "MiB", heap.maxAfter(),
                        "highest occupancy after a collection (-Xlog:gc), young ones included: the old generation's "
                                + "dead messages until a full collection frees them; " + heap.describe()
                                + "; aim ≤ 128 MiB"));
                if (!Double.isNaN(heap.maxAfterFull())) {
                    rows.add(row(subject, "sender peak live heap during the drain", "MiB", heap.maxAfterFull(),
                            "highest occupancy after a full collection during the drain (what was reachable then); "
                                    + heap.fullCollections() + " full collections"));
                }
            }
        } catch (Exception e) {
            progress("%s: FAILED: %s", subject, e);
            String why = e.toString();
            rows.add(RestBench.Row.failedIn(AREA, subject, "set-up / run", why.length() > 1_500
                    ? why.substring(0, 1_500) + " ..." : why));
        } finally {
            if (receiver != null) {
                receiver.close();
            }
            if (sender != null) {
                sender.close();
            }
            if (work != null) {
                try {
                    WorkDirs.keepLogs(work, System.getProperty("bench.dir", ""), "backlog-" + subject,
                            List.of("sender", "receiver"));
                    WorkDirs.delete(work);
                } catch (IOException e) {
                    progress("could not clean up %s: %s", work, e);
                }
            }
        }
        return rows;
    }

    private static RestBench.Row row(String subject, String setting, String unit, double value, String notes) {
        return new RestBench.Row(AREA, subject, setting, unit, value, Double.NaN, Double.NaN, 1, notes);
    }

    /** POSTs the backlog from {@value #SENDERS} clients; seconds taken. Every answer must be 202. */
    private static double queue(PeerProcess sender, String to) throws Exception {
        String text = "x".repeat(TEXT_BYTES);
        AtomicInteger next = new AtomicInteger();
        long deadline = System.nanoTime() + QUEUE_TIMEOUT.toNanos();
        long start = System.nanoTime();
        List<Future<Void>> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(SENDERS)) {
            for (int c = 0; c < SENDERS; c++) {
                clients.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < MESSAGES; i = next.getAndIncrement()) {
                        if (System.nanoTime() > deadline) {
                            throw new IOException("queueing took longer than " + QUEUE_TIMEOUT.toSeconds() + " s ("
                                    + i + " of " + MESSAGES + ")");
                        }
                        String body = Http.write(Map.of("to", to, "text", text, "id", UUID.randomUUID().toString()));
                        HttpResponse<String> r = sender.send("POST", "/api/messages", body, Duration.ofSeconds(60));
                        if (r.statusCode() != 202) {
                            throw new IOException("message " + i + " answered " + r.statusCode() + ": "
                                    + Http.abbreviate(r.body()));
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> f : clients) {
                f.get();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** A drain's outcome: its time, or why it failed ({@code outOfMemory}: the sender's log said so). */
    record Drain(double seconds, double connectSeconds, String failure, boolean outOfMemory, long undelivered) {
        static Drain done(double seconds, double connectSeconds) {
            return new Drain(seconds, connectSeconds, null, false, 0);
        }

        static Drain failed(String why, long undelivered) {
            return new Drain(0, 0, why, false, undelivered);
        }
    }

    /**
     * Polls the sender until none is undelivered to the receiver; fails on an OutOfMemoryError in the
     * sender's log, the sender's exit or the time-out.
     */
    private static Drain drain(PeerProcess sender, String receiverId, LogWatch senderLog) {
        long start = System.nanoTime();
        long deadline = start + DRAIN_TIMEOUT.toNanos();
        long connected = 0;
        long undelivered = -1;
        String state = "?";
        while (true) {
            if (!sender.isAlive()) {
                return Drain.failed("the sender exited during the drain; " + undelivered + " undelivered", undelivered);
            }
            String oom = senderLog.find("OutOfMemoryError");
            if (oom != null) {
                return new Drain(0, 0, "the sender ran out of heap: " + oom.strip() + "; " + undelivered
                        + " undelivered when seen", true, undelivered);
            }
            try {
                HttpResponse<String> r = sender.send("GET", "/api/peers/" + receiverId, null, Duration.ofSeconds(5));
                if (r.statusCode() == 200) {
                    JsonNode peer = Http.parse(r.body());
                    state = peer.path("state").asString();
                    undelivered = peer.path("undelivered").asLong();
                    if (connected == 0 && "CONNECTED".equals(state)) {
                        connected = System.nanoTime();
                    }
                    if (connected != 0 && undelivered == 0) {
                        long end = System.nanoTime();
                        return Drain.done((end - connected) / 1e9, (connected - start) / 1e9);
                    }
                }
            } catch (IOException e) {
                // no answer in time: polled again, the deadline decides
            }
            if (System.nanoTime() > deadline) {
                return Drain.failed(String.format(Locale.ROOT, "not drained within %d s: %,d of %,d still "
                        + "undelivered, receiver %s at the sender", DRAIN_TIMEOUT.toSeconds(), undelivered, MESSAGES,
                        state), undelivered);
            }
            PeerProcess.sleepMillis(100);
        }
    }

    private static void awaitState(PeerProcess peer, String otherId, String state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!state.equals(peer.peerState(otherId))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(otherId + " not " + state + " at " + peer.name + " within "
                        + timeout.toSeconds() + " s");
            }
            PeerProcess.sleepMillis(100);
        }
    }

    /** Heap occupancy in MiB after a full collection that jcmd asks for, from the GC log. */
    private static double heapAfterFullGc(PeerProcess peer, Path gcLog) throws IOException, InterruptedException {
        long offset = Files.size(gcLog);
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(peer.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd GC.run did not return within 60 s");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (String line : linesFrom(gcLog, offset)) {
                Matcher m = GC_LINE.matcher(line);
                if (line.contains("Pause Full") && m.find()) {
                    return mib(m.group(3), m.group(4));
                }
            }
            PeerProcess.sleepMillis(100);
        }
        throw new IOException("no full collection in " + gcLog + " after jcmd GC.run");
    }

    /**
     * What the GC log says about the heap from {@code offset} on. {@code maxAfterFull} (NaN without
     * one) is the live heap: a full collection leaves only what is reachable. After a young collection
     * the old generation still holds whatever was promoted and died since the last full one, so
     * {@code maxAfter} is the most the collector let the heap hold, not what the drain needed.
     */
    record Heap(double maxAfter, double maxBefore, double maxCommitted, int collections, double maxAfterFull,
            int fullCollections) {
        String describe() {
            return collections == 0 ? "no collection logged"
                    : String.format(Locale.ROOT, "%d collections, max after GC %.0f MiB, max before GC %.0f MiB, "
                            + "committed up to %.0f MiB; %d full collections, max after one %s", collections, maxAfter,
                            maxBefore, maxCommitted, fullCollections, Double.isNaN(maxAfterFull) ? "–"
                                    : String.format(Locale.ROOT, "%.0f MiB", maxAfterFull));
        }
    }

    private static Heap heapSince(Path gcLog, long offset) throws IOException {
        double after = 0;
        double before = 0;
        double committed = 0;
        double afterFull = Double.NaN;
        int n = 0;
        int full = 0;
        for (String line : linesFrom(gcLog, offset)) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                before = Math.max(before, mib(m.group(1), m.group(2)));
                after = Math.max(after, mib(m.group(3), m.group(4)));
                committed = Math.max(committed, mib(m.group(5), m.group(6)));
                n++;
                if (line.contains("Pause Full")) {
                    afterFull = Double.isNaN(afterFull) ? mib(m.group(3), m.group(4))
                            : Math.max(afterFull, mib(m.group(3), m.group(4)));
                    full++;
                }
            }
        }
        return new Heap(n == 0 ? Double.NaN : after, before, committed, n, afterFull, full);
    }

    private static double mib(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "K" -> v / 1024;
            case "G" -> v * 1024;
            default -> v;
        };
    }

    private static List<String> linesFrom(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            if (length <= offset) {
                return List.of();
            }
            byte[] bytes = new byte[(int) (length - offset)];
            f.seek(offset);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** Reads what a log gained since the last look. */
    private static final class LogWatch {
        private final Path log;
        private long offset;

        LogWatch(Path log) throws IOException {
            this.log = log;
            this.offset = Files.exists(log) ? Files.size(log) : 0;
        }

        /** The first new line that contains {@code text}, or null. */
        String find(String text) {
            try {
                List<String> lines = linesFrom(log, offset);
                offset = Files.size(log);
                return lines.stream().filter(l -> l.contains(text)).findFirst().orElse(null);
            } catch (IOException e) {
                return null;
            }
        }
    }

    /**
     * The limit line: the drain's rows inserted and committed straight into a fresh SQLite file with
     * the store's settings; MiB of text per second.
     */
    static double limitLine(Path dir) throws IOException, SQLException {
        Files.createDirectories(dir);
        String text = "x".repeat(TEXT_BYTES);
        String peerId = "ab".repeat(32);
        try (HikariDataSource ds = Store.openSqlite(dir)) {
            Store.migrate(ds);
            try (Connection c = ds.getConnection()) {
                try (PreparedStatement peer = c.prepareStatement("INSERT INTO peers (peer_id, public_key, first_seen, "
                        + "last_seen) VALUES (?, ?, ?, ?)")) {
                    peer.setString(1, peerId);
                    peer.setBytes(2, new byte[294]);
                    peer.setLong(3, System.currentTimeMillis());
                    peer.setLong(4, System.currentTimeMillis());
                    peer.executeUpdate();
                }
                c.setAutoCommit(false);
                long start = System.nanoTime();
                try (PreparedStatement message = c.prepareStatement("INSERT INTO messages (id, peer_id, direction, "
                        + "body, status, created_at, received_at) VALUES (?, ?, 'IN', ?, 'RECEIVED', ?, ?) "
                        + "ON CONFLICT DO NOTHING");
                        PreparedStatement event = c.prepareStatement("INSERT INTO events (type, at, peer_id, "
                                + "message_id, message_seq, detail) VALUES ('message', ?, ?, ?, last_insert_rowid(), "
                                + "'RECEIVED')")) {
                    for (int i = 0; i < MESSAGES; i++) {
                        String id = UUID.randomUUID().toString();
                        long now = System.currentTimeMillis();
                        message.setString(1, id);
                        message.setString(2, peerId);
                        message.setString(3, text);
                        message.setLong(4, now);
                        message.setLong(5, now);
                        message.executeUpdate();
                        event.setLong(1, now);
                        event.setString(2, peerId);
                        event.setString(3, id);
                        event.executeUpdate();
                        if ((i + 1) % LIMIT_BATCH == 0) {
                            c.commit();
                        }
                    }
                    c.commit();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                return MESSAGES * (double) TEXT_BYTES / (1 << 20) / seconds;
            }
        } finally {
            WorkDirs.delete(dir);
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[backlog %5.1f s] %s%n", (System.nanoTime() - STARTED) / 1e9,
                String.format(Locale.ROOT, format, args));
    }
}
