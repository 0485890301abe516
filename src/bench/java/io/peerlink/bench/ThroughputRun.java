package io.peerlink.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Throughput over one connection: the client sends messages of one size back to back (each one
 * flushed on its own, no batching), the server receives and decodes them. Rates are counted where
 * messages arrive, in iterations that end at a message arrival once both the iteration time and a
 * minimum count have passed (so a slow transport's few messages are still counted whole), after a
 * warm-up that is not counted. Afterwards the receiver drops the rest unread until the sender has
 * shut down its output.
 */
final class ThroughputRun {

    /**
     * @param warmup      time before the first counted iteration
     * @param iterations  counted iterations
     * @param iteration   time of one iteration
     * @param minMessages messages per iteration at least (bounded by {@code cap})
     * @param cap         an iteration ends after this time even below {@code minMessages}
     */
    record Settings(Duration warmup, int iterations, Duration iteration, int minMessages, Duration cap) {
    }

    /** Messages per second, one figure per iteration. */
    record Outcome(int size, double[] messagesPerSecond, long messages) {

        Stats rate() {
            return Stats.of(messagesPerSecond);
        }

        Stats megabytesPerSecond() {
            return rate().scaled(size / 1e6);
        }
    }

    private ThroughputRun() {
    }

    static Outcome run(Transport transport, int size, Settings settings) throws Exception {
        byte[] payload = asciiPayload(size, new Random(size));
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        long limitMillis = settings.warmup().toMillis()
                + settings.iterations() * Math.max(settings.iteration().toMillis(), settings.cap().toMillis())
                + 30_000;

        try (LoopbackServer server = new LoopbackServer("tput-" + transport.name(), socket -> {
            try (MessageChannel channel = transport.server(socket)) {
                outcome.complete(receive(channel, payload, settings, stop));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
                throw t;
            } finally {
                stop.set(true);
            }
        })) {
            AtomicReference<Throwable> senderFailure = new AtomicReference<>();
            Thread sender;
            try (Socket socket = server.connect(); MessageChannel channel = transport.client(socket)) {
                sender = Threads.start("tput-send", () -> {
                    while (!stop.get()) {
                        channel.send(payload);
                    }
                    channel.shutdownOutput();
                }, senderFailure);
                Outcome result;
                try {
                    result = outcome.get(limitMillis, TimeUnit.MILLISECONDS);
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

    /**
     * Warms one transport up before its measurements: one connection carrying {@code sizes} in turn,
     * so that every size's code path is compiled before any of them is timed.
     */
    static void warmUp(Transport transport, int[] sizes, Duration duration) throws Exception {
        byte[][] payloads = new byte[sizes.length][];
        Random random = new Random(1);
        for (int i = 0; i < sizes.length; i++) {
            payloads[i] = asciiPayload(sizes[i], random);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long end = System.nanoTime() + duration.toNanos();
        try (LoopbackServer server = new LoopbackServer("warm-" + transport.name(), socket -> {
            try (MessageChannel channel = transport.server(socket)) {
                // decode until the end (the receiving path is what needs compiling), then drop the backlog
                boolean open = true;
                while (open) {
                    open = System.nanoTime() < end ? channel.receive() != null : channel.discard();
                }
            }
        })) {
            try (Socket socket = server.connect(); MessageChannel channel = transport.client(socket)) {
                Thread sender = Threads.start("warm-send", () -> {
                    for (long i = 0; System.nanoTime() < end && !stop.get(); i++) {
                        channel.send(payloads[(int) (i % payloads.length)]);
                    }
                    channel.shutdownOutput();
                }, failure);
                if (!Threads.join(sender, duration.toMillis() + 30_000)) {
                    stop.set(true);
                    throw new IOException("warm-up sender did not stop");
                }
            }
            // closing the server joins the receiver, which ends at the sender's shutdown
        }
        if (failure.get() != null) {
            throw new IOException("warm-up failed", failure.get());
        }
    }

    /**
     * Random lower-case ASCII letters: a transport that carries text (peerlink's MESSAGE frame holds
     * a UTF-8 string) can take the bytes as a US-ASCII string of the same length.
     */
    static byte[] asciiPayload(int size, Random random) {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('a' + random.nextInt(26));
        }
        return payload;
    }

    private static Outcome receive(MessageChannel channel, byte[] expected, Settings settings, AtomicBoolean stop)
            throws Exception {
        byte[] first = channel.receive();
        if (first == null || !Arrays.equals(first, expected)) {
            throw new IOException("first message did not arrive intact");
        }
        long warmupNanos = settings.warmup().toNanos();
        long iterationNanos = settings.iteration().toNanos();
        long capNanos = settings.cap().toNanos();
        double[] rates = new double[settings.iterations()];
        long total = 0;
        int phase = -1; // -1 is the warm-up
        long count = 0;
        long phaseStart = System.nanoTime();
        while (phase < rates.length) {
            byte[] message = channel.receive();
            if (message == null) {
                throw new EOFException("sender closed early");
            }
            if (message.length != expected.length) {
                throw new IOException("message of " + message.length + " bytes, expected " + expected.length);
            }
            count++;
            long now = System.nanoTime();
            long elapsed = now - phaseStart;
            boolean done = phase < 0 ? elapsed >= warmupNanos
                    : (elapsed >= iterationNanos && count >= settings.minMessages()) || elapsed >= capNanos;
            if (done) {
                if (phase >= 0) {
                    rates[phase] = count * 1e9 / elapsed;
                    total += count;
                }
                phase++;
                count = 0;
                phaseStart = now;
            }
        }
        stop.set(true);
        while (channel.discard()) {
            // drain unread until the sender's shutdownOutput
        }
        return new Outcome(expected.length, rates, total);
    }
}
