package io.peerlink.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Asks one URL again and again on a virtual thread of its own (its own HTTP client, so its
 * connection is its own), one request every {@code period}, for a bounded time, and keeps each
 * answer's latency. A failed or timed-out request counts as a failure, with the time-out as its
 * latency. Loopback URLs only.
 */
public final class LatencyProbe implements AutoCloseable {

    /** What was seen: latencies in milliseconds, sorted. */
    public record Result(List<Double> millis, int failures) {
        public int n() {
            return millis.size();
        }

        /** The {@code p}-th percentile (nearest rank), NaN without samples. */
        public double percentile(double p) {
            if (millis.isEmpty()) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100 * millis.size());
            return millis.get(Math.clamp(rank - 1, 0, millis.size() - 1));
        }

        public double max() {
            return millis.isEmpty() ? Double.NaN : millis.getLast();
        }
    }

    private final URI uri;
    private final Duration period;
    private final Duration timeout;
    private final long endNanos;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Double> millis = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean stopped;
    private volatile int failures;

    private LatencyProbe(URI uri, Duration period, Duration timeout, Duration duration) {
        if (!"127".equals(uri.getHost().split("\\.")[0]) && !"localhost".equals(uri.getHost())) {
            throw new IllegalArgumentException(uri + " is not on loopback");
        }
        this.uri = uri;
        this.period = period;
        this.timeout = timeout;
        this.endNanos = System.nanoTime() + duration.toNanos();
        this.thread = Thread.ofVirtual().name("latency-probe").unstarted(this::run);
    }

    public static LatencyProbe start(URI uri, Duration period, Duration timeout, Duration duration) {
        LatencyProbe probe = new LatencyProbe(uri, period, timeout, duration);
        probe.thread.start();
        return probe;
    }

    /** Stops (at once) and gives what was measured. */
    public Result stop() throws InterruptedException {
        stopped = true;
        thread.join(timeout.plusSeconds(5).toMillis());
        List<Double> sorted;
        synchronized (millis) {
            sorted = new ArrayList<>(millis);
        }
        Collections.sort(sorted);
        return new Result(List.copyOf(sorted), failures);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void run() {
        long next = System.nanoTime();
        for (int i = 0; i < 1_000_000 && !stopped && System.nanoTime() < endNanos; i++) {
            long start = System.nanoTime();
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(uri).timeout(timeout).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    millis.add((System.nanoTime() - start) / 1e6);
                } else {
                    fail();
                }
            } catch (IOException e) {
                fail();
            } catch (InterruptedException e) {
                return;
            }
            next += period.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime(); // behind: no catching up in a burst
            }
        }
    }

    private void fail() {
        failures++;
        millis.add((double) timeout.toMillis());
    }
}
