package io.peerlink.bench.rest;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Drives two peers over their REST API: senders POST {@code /api/messages} to the sending peer, one
 * receiver long-polls {@code GET /api/messages?after=<cursor>&limit=1000&waitSeconds=5} on the
 * receiving peer, for the whole life of this object.
 *
 * <p>Every message text is exactly {@link #TEXT_BYTES} ASCII bytes and starts with the phase tag and
 * a time stamp ({@code System.nanoTime()} of this JVM, which also runs the receiver, so one clock):
 * the time the POST started (closed loop) or the time the send was due (open loop). End-to-end
 * latency is {@code (the moment the poll response carrying it arrived here) - stamp}. Each 202's
 * message id is remembered; the receiver counts every id it sees, so lost and duplicated messages
 * are counted exactly.
 *
 * <p>The peers are durable: a 202 comes after the sending peer committed the message (its status
 * then is QUEUED, or already SENT or DELIVERED), and the receiving peer's inbox is its store, read by
 * cursor, which drops nothing. So every id that got a 202 must arrive exactly once.
 */
final class LoadGenerator implements AutoCloseable {

    static final int TEXT_BYTES = 256;
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int POLL_WAIT_SECONDS = 5;
    private static final int POLL_LIMIT = 1000;
    private static final int MAX_PHASES = 64;
    /** Open loop: at most this many POSTs in flight; beyond it a due send is counted as not sent. */
    private static final int MAX_IN_FLIGHT = 4096;
    private static final long SPIN_NANOS = 100_000;
    /** What a 202 may say: committed (QUEUED), and possibly already written or acknowledged. */
    private static final java.util.Set<String> ACCEPTED_STATUSES = java.util.Set.of("QUEUED", "SENT", "DELIVERED");

    private final Http sendClient;
    private final Http pollClient;
    private final Phase[] phases = new Phase[MAX_PHASES];
    private int phaseCount;
    private final long hardDeadline;

    private volatile boolean receiving = true;
    private final Thread receiver;
    private final AtomicLong pollErrors = new AtomicLong();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong unparsable = new AtomicLong();
    private final AtomicReference<String> firstPollError = new AtomicReference<>();

    /**
     * @param sender   base URI of the peer that sends (POST /api/messages)
     * @param receiver base URI of the peer that receives (GET /api/messages)
     * @param client   {@code raw} or {@code jdk}, see {@link Http}
     * @param deadline System.nanoTime() after which every loop here stops, whatever happens
     */
    LoadGenerator(URI sender, URI receiver, String client, long deadline) {
        this.hardDeadline = deadline;
        this.sendClient = Http.create(client, sender, REQUEST_TIMEOUT);
        this.pollClient = Http.create(client, receiver, Duration.ofSeconds(POLL_WAIT_SECONDS + 10));
        this.receiver = Thread.ofPlatform().name("rest-bench-receiver").daemon().start(this::receive);
    }

    // ---- phases -------------------------------------------------------------------------------------

    /** One measured run: warm-up, then {@code windows} windows; its own ids, counters and histograms. */
    final class Phase {
        final int tag;
        final String name;
        final long start;
        final long measureStart;
        final long window;
        final int windows;
        final long measureEnd;
        final AtomicLongArray acceptedPerWindow;
        final ConcurrentHashMap<String, Boolean> accepted = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, Integer> received = new ConcurrentHashMap<>();
        final AtomicLong distinctReceived = new AtomicLong();
        final AtomicLong attempted = new AtomicLong();
        final AtomicLong failedRequests = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong notSent = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        /** POST start (or due time) to 202 arrived, for sends stamped inside the measured windows. */
        final SynchronizedHistogram post = new SynchronizedHistogram(HIGHEST_NANOS, 3);
        /** End to end, per window of the stamp, and over all windows; written by the receiver only. */
        private final Histogram[] e2e;
        private final Histogram e2eAll = new Histogram(HIGHEST_NANOS, 3);
        final Usage usage = new Usage();

        Phase(int tag, String name, Duration warmup, int windows, Duration window) {
            this.tag = tag;
            this.name = name;
            this.start = System.nanoTime();
            this.measureStart = start + warmup.toNanos();
            this.window = window.toNanos();
            this.windows = windows;
            this.measureEnd = measureStart + windows * this.window;
            this.acceptedPerWindow = new AtomicLongArray(windows);
            this.e2e = new Histogram[windows];
            for (int i = 0; i < windows; i++) {
                e2e[i] = new Histogram(HIGHEST_NANOS, 3);
            }
        }

        int windowOf(long nanos) {
            if (nanos < measureStart || nanos >= measureEnd) {
                return -1;
            }
            return (int) ((nanos - measureStart) / window);
        }

        /** Accepted sends (202) per second in each window, by the time the 202 arrived. */
        double[] sendsPerSecond() {
            double[] rates = new double[windows];
            for (int i = 0; i < windows; i++) {
                rates[i] = acceptedPerWindow.get(i) / (window / 1e9);
            }
            return rates;
        }

        synchronized void recordE2e(long stamp, long arrived) {
            int w = windowOf(stamp);
            if (w >= 0) {
                long value = Math.min(Math.max(arrived - stamp, 1), HIGHEST_NANOS);
                e2e[w].recordValue(value);
                e2eAll.recordValue(value);
            }
        }

        synchronized Histogram e2eAll() {
            return e2eAll.copy();
        }

        synchronized Histogram e2eWindow(int i) {
            return e2e[i].copy();
        }

        /** Ids accepted (202) but never seen by the receiver. */
        long lost() {
            long lost = 0;
            for (String id : accepted.keySet()) {
                if (!received.containsKey(id)) {
                    lost++;
                }
            }
            return lost;
        }

        /** Extra copies: an id seen n times counts n - 1. */
        long duplicated() {
            long extra = 0;
            for (int n : received.values()) {
                extra += n - 1;
            }
            return extra;
        }

        /** Ids the receiver saw whose POST got no 202 here (timed out, or failed after sending). */
        long unexpected() {
            long n = 0;
            for (String id : received.keySet()) {
                if (!accepted.containsKey(id)) {
                    n++;
                }
            }
            return n;
        }
    }

    /**
     * CPU used by each process during a phase's measured windows, and what each peer's store did in
     * them: {@link Probe} readings at the start and at the end.
     */
    static final class Usage {
        Sample start;
        Sample end;
        long startNanos;
        long endNanos;

        /** peer-a, peer-b, this JVM, whole machine (busy): seconds of one core per second. */
        double[] perSecond() {
            if (start == null || end == null) {
                return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
            }
            double seconds = seconds();
            double[] out = new double[start.cpu().length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (end.cpu()[i] - start.cpu()[i]) / seconds;
            }
            return out;
        }

        /** CPU seconds the peer used over the windows (peer-a: 0, peer-b: 1). */
        double cpuSeconds(int peer) {
            return start == null || end == null ? Double.NaN : end.cpu()[peer] - start.cpu()[peer];
        }

        /** The store's commits over the windows (peer-a: 0, peer-b: 1). */
        StoreMeters store(int peer) {
            if (start == null || end == null) {
                return StoreMeters.UNKNOWN;
            }
            StoreMeters before = peer == 0 ? start.peerA() : start.peerB();
            StoreMeters after = peer == 0 ? end.peerA() : end.peerB();
            return before.known() && after.known() ? after.since(before) : StoreMeters.UNKNOWN;
        }

        /** Wall time of the windows, seconds. */
        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }
    }

    private synchronized Phase newPhase(String name, Duration warmup, int windows, Duration window) {
        if (phaseCount == MAX_PHASES) {
            throw new IllegalStateException("too many phases");
        }
        Phase p = new Phase(phaseCount, name, warmup, windows, window);
        phases[phaseCount++] = p;
        return p;
    }

    private synchronized Phase phase(int tag) {
        return tag >= 0 && tag < phaseCount ? phases[tag] : null;
    }

    // ---- closed loop --------------------------------------------------------------------------------

    /**
     * {@code senders} virtual threads, each POSTing back to back (the next as soon as the last got its
     * answer) for warm-up plus {@code windows} windows; then waits (bounded) until every accepted id
     * has arrived.
     */
    Phase closedLoop(String name, int senders, Duration warmup, int windows, Duration window,
            Probe probe) throws InterruptedException {
        Phase p = newPhase(name, warmup, windows, window);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            threads.add(Thread.ofVirtual().name("rest-sender-" + s).start(() -> {
                long seq = 0;
                while (System.nanoTime() < p.measureEnd && System.nanoTime() < hardDeadline) {
                    long t0 = System.nanoTime();
                    if (!send(p, sender, seq++, t0)) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                    }
                }
            }));
        }
        sampleCpu(p, probe);
        for (Thread t : threads) {
            t.join(Duration.ofMillis(Math.max(1, remainingMillis(REQUEST_TIMEOUT.toMillis() + 5_000))));
        }
        drain(p, Duration.ofSeconds(10));
        return p;
    }

    // ---- open loop ----------------------------------------------------------------------------------

    /**
     * A fixed offered rate: send {@code i} is due at {@code start + i / rate} and goes out on its own
     * virtual thread, so a slow answer never delays the next send; its stamp is the due time (no
     * coordinated omission). The scheduler is a platform thread that parks, then spins the last
     * 100 µs.
     */
    Phase openLoop(String name, double rate, Duration warmup, Duration measure, Probe probe)
            throws InterruptedException {
        Phase p = newPhase(name, warmup, 1, measure);
        long period = Math.round(1e9 / rate);
        long count = (p.measureEnd - p.start) / period;
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        Thread scheduler = Thread.ofPlatform().name("rest-open-loop").daemon().start(() -> {
            for (long i = 0; i < count && System.nanoTime() < hardDeadline; i++) {
                long due = p.start + i * period;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    if (wait > SPIN_NANOS) {
                        LockSupport.parkNanos(wait - SPIN_NANOS);
                    } else {
                        Thread.onSpinWait();
                    }
                }
                if (!inFlight.tryAcquire()) {
                    p.notSent.incrementAndGet();
                    continue;
                }
                long seq = i;
                Thread.ofVirtual().start(() -> {
                    try {
                        send(p, 0, seq, due);
                    } finally {
                        inFlight.release();
                    }
                });
            }
        });
        sampleCpu(p, probe);
        scheduler.join(Duration.ofMillis(Math.max(1, remainingMillis(5_000))));
        // the last sends: all answered (or timed out) before the drain starts
        if (inFlight.tryAcquire(MAX_IN_FLIGHT, Math.max(1, remainingMillis(REQUEST_TIMEOUT.toMillis() + 2_000)),
                TimeUnit.MILLISECONDS)) {
            inFlight.release(MAX_IN_FLIGHT);
        }
        drain(p, Duration.ofSeconds(10));
        return p;
    }

    // ---- one send -----------------------------------------------------------------------------------

    /** One POST; true when accepted (202). */
    private boolean send(Phase p, int sender, long seq, long stamp) {
        p.attempted.incrementAndGet();
        String body = "{\"text\":\"" + text(p.tag, stamp, sender, seq) + "\"}";
        Http.Response response;
        try {
            response = sendClient.post("/api/messages", body);
        } catch (IOException e) {
            p.failedRequests.incrementAndGet();
            p.firstError.compareAndSet(null, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        long answered = System.nanoTime();
        if (response.status() != 202) {
            p.refused.incrementAndGet();
            p.firstError.compareAndSet(null, "HTTP " + response.status() + " " + abbreviate(response.body()));
            return false;
        }
        String id = field(response.body(), "\"id\":\"", 0);
        if (id == null) {
            p.refused.incrementAndGet();
            p.firstError.compareAndSet(null, "202 without an id: " + abbreviate(response.body()));
            return false;
        }
        String status = field(response.body(), "\"status\":\"", 0);
        if (!ACCEPTED_STATUSES.contains(status)) {
            p.refused.incrementAndGet();
            p.firstError.compareAndSet(null, "202 with status " + status + ": " + abbreviate(response.body()));
            return false;
        }
        p.accepted.put(id, Boolean.TRUE);
        int w = p.windowOf(answered);
        if (w >= 0) {
            p.acceptedPerWindow.incrementAndGet(w);
        }
        if (p.windowOf(stamp) >= 0) {
            p.post.recordValue(Math.min(Math.max(answered - stamp, 1), HIGHEST_NANOS));
        }
        return true;
    }

    /** Exactly TEXT_BYTES ASCII: "c&lt;tag&gt; t&lt;stamp&gt; s&lt;sender&gt; n&lt;seq&gt; " padded with a fixed pattern. */
    static String text(int tag, long stamp, int sender, long seq) {
        StringBuilder b = new StringBuilder(TEXT_BYTES);
        b.append('c').append(tag).append(" t").append(stamp).append(" s").append(sender).append(" n").append(seq)
                .append(' ');
        for (int i = b.length(); i < TEXT_BYTES; i++) {
            b.append((char) ('a' + i % 26));
        }
        return b.toString();
    }

    // ---- the receiver -------------------------------------------------------------------------------

    private void receive() {
        long cursor = 0;
        while (receiving && System.nanoTime() < hardDeadline) {
            String path = "/api/messages?after=" + cursor + "&limit=" + POLL_LIMIT + "&waitSeconds=" + POLL_WAIT_SECONDS;
            String body;
            try {
                Http.Response response = pollClient.get(path);
                if (response.status() != 200) {
                    pollErrors.incrementAndGet();
                    firstPollError.compareAndSet(null, "HTTP " + response.status() + " " + abbreviate(response.body()));
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                    continue;
                }
                body = response.body();
            } catch (IOException e) {
                pollErrors.incrementAndGet();
                firstPollError.compareAndSet(null, e.toString());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                continue;
            } catch (InterruptedException e) {
                return;
            }
            long arrived = System.nanoTime();
            polls.incrementAndGet();
            cursor = handlePage(body, arrived, cursor);
        }
    }

    /** Records every message of one page; returns the next cursor. */
    private long handlePage(String body, long arrived, long cursor) {
        int pos = 0;
        while (true) {
            int idAt = body.indexOf("{\"id\":\"", pos);
            if (idAt < 0) {
                break;
            }
            String id = field(body, "{\"id\":\"", idAt);
            int textAt = body.indexOf("\"text\":\"", idAt);
            if (id == null || textAt < 0) {
                unparsable.incrementAndGet();
                break;
            }
            textAt += "\"text\":\"".length();
            pos = textAt;
            Phase p = null;
            long stamp = 0;
            try {
                // "c<tag> t<stamp> ..."
                int space = body.indexOf(' ', textAt);
                int space2 = body.indexOf(' ', space + 1);
                if (body.charAt(textAt) == 'c' && body.charAt(space + 1) == 't') {
                    p = phase(Integer.parseInt(body, textAt + 1, space, 10));
                    stamp = Long.parseLong(body, space + 2, space2, 10);
                }
            } catch (RuntimeException e) {
                p = null;
            }
            if (p == null) {
                unparsable.incrementAndGet();
                continue;
            }
            p.recordE2e(stamp, arrived);
            if (p.received.merge(id, 1, Integer::sum) == 1) {
                p.distinctReceived.incrementAndGet();
            }
        }
        int next = body.lastIndexOf("\"nextCursor\":");
        if (next < 0) {
            unparsable.incrementAndGet();
            return cursor;
        }
        return number(body, next + "\"nextCursor\":".length());
    }

    /** Waits until the receiver has seen as many distinct ids as were accepted, bounded. */
    private void drain(Phase p, Duration timeout) {
        long deadline = Math.min(System.nanoTime() + timeout.toNanos(), hardDeadline);
        while (p.distinctReceived.get() < p.accepted.size() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        // a message that arrives twice arrives close together: give a duplicate a moment to show
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }

    // ---- CPU ----------------------------------------------------------------------------------------

    /**
     * One reading: CPU seconds so far of peer-a, peer-b, this JVM and the whole machine, and both
     * peers' store meters.
     */
    record Sample(double[] cpu, StoreMeters peerA, StoreMeters peerB) {
    }

    @FunctionalInterface
    interface Probe {
        Sample read();
    }

    private void sampleCpu(Phase p, Probe probe) {
        sleepUntil(p.measureStart);
        p.usage.startNanos = System.nanoTime();
        p.usage.start = probe.read();
        sleepUntil(p.measureEnd);
        p.usage.endNanos = System.nanoTime();
        p.usage.end = probe.read();
    }

    private void sleepUntil(long nanos) {
        long wait;
        while ((wait = Math.min(nanos, hardDeadline) - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private long remainingMillis(long atMost) {
        return Math.min(atMost, (hardDeadline - System.nanoTime()) / 1_000_000);
    }

    long pollErrors() {
        return pollErrors.get();
    }

    long polls() {
        return polls.get();
    }

    long unparsable() {
        return unparsable.get();
    }

    String clientKind() {
        return sendClient.kind();
    }

    String firstPollError() {
        return firstPollError.get();
    }

    // ---- small parsing helpers (the bodies are the peer's own compact JSON) -------------------------

    private static String field(String body, String key, int from) {
        int at = body.indexOf(key, from);
        if (at < 0) {
            return null;
        }
        int start = at + key.length();
        int end = body.indexOf('"', start);
        return end < 0 ? null : body.substring(start, end);
    }

    private static long number(String body, int start) {
        int end = start;
        while (end < body.length() && Character.isDigit(body.charAt(end))) {
            end++;
        }
        return Long.parseLong(body, start, end, 10);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    @Override
    public void close() {
        receiving = false;
        receiver.interrupt();
        try {
            receiver.join(Duration.ofSeconds(POLL_WAIT_SECONDS + 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sendClient.close();
        pollClient.close();
    }
}
