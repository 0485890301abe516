package io.peerlink.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * One-way latency at a fixed offered rate, free of coordinated omission: message {@code i} is due at
 * {@code start + i / rate}; the sender writes that intended time into the message and sends it as
 * soon as it is due (late if the sender is behind, never skipped); the receiver records
 * {@code arrival - intended} after decoding. Sender and receiver share the process, hence the clock.
 * The sender waits for the due time by parking when far from it and spinning for the last 200 µs.
 *
 * <p>Sender and receiver run on platform threads unless {@code -Dbench.latencyThreads=virtual}: a
 * virtual thread blocked in a socket read is woken through the JDK's I/O poller and then needs a
 * free carrier, and on this 2-core machine (with other processes running) that added 0.1-2 ms to
 * the median in trials (plain frames p50 23 µs on platform threads, 94 µs on virtual ones; TLS
 * 73 µs against 2 ms), which would be the tool's latency, not the transport's.
 */
final class LatencyRun {

    /** Spin rather than park for waits shorter than this: parking overshoots by tens of µs. */
    private static final long SPIN_NANOS = 200_000;

    /** The intended send time and the sequence number each take 16 hex digits at the message's start. */
    private static final int STAMP_LENGTH = 16;

    static final boolean VIRTUAL = "virtual".equals(System.getProperty("bench.latencyThreads", "platform"));

    /**
     * @param size     message size (at least 32: intended send time and sequence number in hex)
     * @param rate     offered messages per second
     * @param warmup   time at the start whose messages are not recorded
     * @param windows  recorded windows; each gives its own percentiles
     * @param window   length of one window
     */
    record Settings(int size, double rate, Duration warmup, int windows, Duration window) {
    }

    /** Per-window histograms (ns) and the merged one; {@code received < sent} if the run fell behind. */
    record Outcome(Histogram[] windows, Histogram all, long sent, long received, double achievedRate,
            boolean keptUp) {

        /** Percentile in µs over the windows: median and range. */
        Stats percentileMicros(double percentile) {
            double[] values = new double[windows.length];
            for (int i = 0; i < windows.length; i++) {
                values[i] = windows[i].getValueAtPercentile(percentile) / 1e3;
            }
            return Stats.of(values);
        }
    }

    private LatencyRun() {
    }

    static Outcome run(Transport transport, Settings settings) throws Exception {
        long period = Math.round(1e9 / settings.rate());
        long warmupCount = settings.warmup().toNanos() / period;
        long perWindow = settings.window().toNanos() / period;
        long total = warmupCount + perWindow * settings.windows();
        long limitNanos = total * period * 2 + TimeUnit.SECONDS.toNanos(5);
        if (settings.size() < 2 * STAMP_LENGTH) {
            throw new IllegalArgumentException("latency messages need at least " + 2 * STAMP_LENGTH + " bytes");
        }
        byte[] template = ThroughputRun.asciiPayload(settings.size(), new Random(7));

        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        try (LoopbackServer server = new LoopbackServer("lat-" + transport.name(), VIRTUAL, socket -> {
            try (MessageChannel channel = transport.server(socket)) {
                outcome.complete(receive(channel, settings, warmupCount, perWindow, total, limitNanos, stop));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
                throw t;
            } finally {
                stop.set(true);
            }
        })) {
            AtomicReference<Throwable> senderFailure = new AtomicReference<>();
            try (Socket socket = server.connect(); MessageChannel channel = transport.client(socket)) {
                Thread sender = Threads.start("lat-send", VIRTUAL, () -> {
                    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
                    for (long i = 0; i < total && !stop.get(); i++) {
                        long intended = start + i * period;
                        waitUntil(intended);
                        byte[] message = template.clone();
                        stamp(message, 0, intended);
                        stamp(message, STAMP_LENGTH, i);
                        channel.send(message);
                    }
                    channel.shutdownOutput();
                }, senderFailure);
                Outcome result;
                try {
                    result = outcome.get(TimeUnit.NANOSECONDS.toMillis(limitNanos) + 30_000, TimeUnit.MILLISECONDS);
                } finally {
                    stop.set(true);
                }
                if (!Threads.join(sender, 10_000)) {
                    throw new IOException("sender did not stop");
                }
                if (senderFailure.get() != null) {
                    throw new IOException("sender failed", senderFailure.get());
                }
                return result;
            }
        }
    }

    /** Writes {@code value} as 16 hex digits (ASCII, so a text-carrying transport can take it). */
    private static void stamp(byte[] message, int offset, long value) {
        byte[] digits = HexFormat.of().toHexDigits(value).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, message, offset, STAMP_LENGTH);
    }

    private static long unstamp(byte[] message, int offset) {
        return HexFormat.fromHexDigitsToLong(new String(message, offset, STAMP_LENGTH, StandardCharsets.US_ASCII));
    }

    private static void waitUntil(long deadline) {
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            if (remaining > SPIN_NANOS) {
                LockSupport.parkNanos(remaining - SPIN_NANOS);
            } else if (Thread.currentThread().isVirtual()) {
                Thread.yield(); // lets the receiver or the I/O poller have this carrier meanwhile
            } else {
                Thread.onSpinWait();
            }
        }
    }

    private static Outcome receive(MessageChannel channel, Settings settings, long warmupCount, long perWindow,
            long total, long limitNanos, AtomicBoolean stop) throws Exception {
        long highest = TimeUnit.SECONDS.toNanos(60);
        Histogram[] windows = new Histogram[settings.windows()];
        for (int i = 0; i < windows.length; i++) {
            windows[i] = new Histogram(highest, 3);
        }
        Histogram all = new Histogram(highest, 3);
        long received = 0;
        long firstArrival = 0;
        long lastArrival = 0;
        long deadline = System.nanoTime() + limitNanos;
        boolean keptUp = true;
        while (received < total) {
            byte[] message = channel.receive();
            long now = System.nanoTime();
            if (message == null) {
                break;
            }
            if (message.length != settings.size()) {
                throw new IOException("message of " + message.length + " bytes, expected " + settings.size());
            }
            long intended = unstamp(message, 0);
            long sequence = unstamp(message, STAMP_LENGTH);
            if (sequence >= warmupCount) {
                long latency = Math.min(Math.max(now - intended, 0), highest);
                int window = (int) Math.min((sequence - warmupCount) / perWindow, windows.length - 1);
                windows[window].recordValue(latency);
                all.recordValue(latency);
                if (firstArrival == 0) {
                    firstArrival = now;
                }
                lastArrival = now;
            }
            received++;
            if (now > deadline) {
                keptUp = false;
                break;
            }
        }
        stop.set(true);
        while (channel.discard()) {
            // drain unread until the sender's shutdownOutput
        }
        long recorded = all.getTotalCount();
        double achieved = recorded > 1 ? (recorded - 1) * 1e9 / (lastArrival - firstArrival) : Double.NaN;
        return new Outcome(windows, all, total, received, achieved, keptUp && received == total);
    }
}
