package io.peerlink.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The throughput part, subjects interleaved: for each message size, round after round, every
 * subject runs once in turn (plain, plain-batched, peerlink, ..., then again from the first), each
 * on a fresh connection with a short uncounted warm-up and one counted iteration. A burst of other
 * load then hits all subjects of a round about alike, and each ratio row is the median of the
 * ratios taken within a round, with their range across rounds as the spread.
 */
final class ThroughputRounds {

    static final String AREA = "throughput, 1 connection";
    static final String RATIO_AREA = "ratio, same round";
    static final int ROUNDS = 3;
    /** The RSA baselines take seconds per round at 4 KiB and up: fewer rounds (one at 64 KiB). */
    static final int SLOW_ROUNDS = 2;

    /** Ratios reported, numerator / denominator, where both subjects ran. */
    static final List<String[]> PAIRS = List.of(
            new String[] {"peerlink", "tls13"},
            new String[] {"peerlink-batched", "tls13"},
            new String[] {"peerlink", "plain"},
            new String[] {"peerlink-batched", "plain-batched"},
            new String[] {"peerlink", "plain-batched"},
            new String[] {"tls13", "plain"},
            new String[] {"peerlink", "rsa-oaep-3072"},
            new String[] {"peerlink-batched", "rsa-oaep-3072"});

    private ThroughputRounds() {
    }

    static void run(List<Transport> transports, Results results, double scale) {
        List<Transport> subjects = new ArrayList<>();
        for (Transport transport : transports) {
            try {
                BenchMain.warmUp(transport, scale);
                subjects.add(transport);
            } catch (Exception e) {
                BenchMain.progress("throughput %s warm-up FAILED: %s", transport.name(), e);
                results.failed(AREA, transport.name(), "warm-up", e);
            }
        }
        for (int size : BenchMain.SIZES) {
            measure(subjects, size, results, scale);
        }
    }

    private static void measure(List<Transport> subjects, int size, Results results, double scale) {
        String parameter = Results.size(size);
        long start = System.nanoTime();
        int n = subjects.size();
        double[][] rates = new double[n][ROUNDS];
        long[] messages = new long[n];
        boolean[] failed = new boolean[n];
        for (double[] r : rates) {
            Arrays.fill(r, Double.NaN);
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < n; i++) {
                Transport transport = subjects.get(i);
                boolean slow = BenchMain.slow(transport);
                // one RSA message of 64 KiB takes about a second to open: one round there
                int rounds = !slow ? ROUNDS : size >= 65536 ? 1 : SLOW_ROUNDS;
                if (failed[i] || round >= rounds) {
                    continue;
                }
                ThroughputRun.Settings settings = slow
                        ? new ThroughputRun.Settings(BenchMain.ms(200, scale), 1, BenchMain.ms(350, scale), 1,
                                BenchMain.ms(2_000, scale))
                        : new ThroughputRun.Settings(BenchMain.ms(150, scale), 1, BenchMain.ms(350, scale), 1,
                                BenchMain.ms(3_000, scale));
                try {
                    ThroughputRun.Outcome outcome = ThroughputRun.run(transport, size, settings);
                    rates[i][round] = outcome.messagesPerSecond()[0];
                    messages[i] += outcome.messages();
                } catch (Exception e) {
                    failed[i] = true;
                    BenchMain.progress("throughput %s %s FAILED: %s", transport.name(), parameter, e);
                    results.failed(AREA, transport.name(), parameter, e);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            double[] measured = Arrays.stream(rates[i]).filter(r -> !Double.isNaN(r)).toArray();
            if (failed[i] || measured.length == 0) {
                continue;
            }
            Transport transport = subjects.get(i);
            Stats rate = Stats.of(measured);
            String notes = measured.length + " rounds interleaved, " + String.format(Locale.ROOT, "%,d", messages[i])
                    + " messages counted";
            results.add(AREA, transport.name(), parameter, "msg/s", rate, notes);
            results.add(AREA, transport.name(), parameter, "MB/s", rate.scaled(size / 1e6), "");
            BenchMain.progress("throughput %s %s: %s msg/s, %s MB/s", transport.name(), parameter,
                    Results.format(rate.median()), Results.format(rate.median() * size / 1e6));
        }
        for (String[] pair : PAIRS) {
            int a = indexOf(subjects, pair[0]);
            int b = indexOf(subjects, pair[1]);
            if (a < 0 || b < 0) {
                continue;
            }
            addRatio(results, pair[0] + " / " + pair[1], parameter, paired(rates[a], rates[b]), "");
        }
        // the faster of each side's two ways of writing, round by round: the peer's send loop writes one
        // record when one frame waits and gathers when more do
        double[] peerlink = best(rates, indexOf(subjects, "peerlink"), indexOf(subjects, "peerlink-batched"));
        double[] plain = best(rates, indexOf(subjects, "plain"), indexOf(subjects, "plain-batched"));
        int tls = indexOf(subjects, "tls13");
        if (peerlink != null && tls >= 0) {
            addRatio(results, "peerlink (best) / tls13", parameter, paired(peerlink, rates[tls]),
                    "best = the faster of peerlink and peerlink-batched in each round; ");
        }
        if (peerlink != null && plain != null) {
            addRatio(results, "peerlink (best) / plain (best)", parameter, paired(peerlink, plain),
                    "best = the faster of the unbatched and the batched subject in each round; ");
        }
        BenchMain.progress("throughput %s: %d subjects interleaved in %.1f s", parameter, n,
                (System.nanoTime() - start) / 1e9);
    }

    private static void addRatio(Results results, String subject, String parameter, Stats ratio, String note) {
        if (ratio.n() > 0) {
            results.add(RATIO_AREA, subject, AREA + ", " + parameter, "× msg/s", ratio, note
                    + "median of the ratios within " + ratio.n() + " rounds; spread min–max; higher is better");
        }
    }

    /** Per round, the higher of two subjects' rates (either may be missing); null if both are. */
    private static double[] best(double[][] rates, int a, int b) {
        if (a < 0 && b < 0) {
            return null;
        }
        double[] best = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            double x = a < 0 ? Double.NaN : rates[a][r];
            double y = b < 0 ? Double.NaN : rates[b][r];
            best[r] = Double.isNaN(x) ? y : Double.isNaN(y) ? x : Math.max(x, y);
        }
        return best;
    }

    /** The ratio {@code a[r] / b[r]} of every round {@code r} where both ran. */
    static Stats paired(double[] a, double[] b) {
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < Math.min(a.length, b.length); r++) {
            if (!Double.isNaN(a[r]) && !Double.isNaN(b[r]) && b[r] > 0) {
                ratios.add(a[r] / b[r]);
            }
        }
        return Stats.of(ratios.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static int indexOf(List<Transport> subjects, String name) {
        for (int i = 0; i < subjects.size(); i++) {
            if (subjects.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
