package io.peerlink.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The aims of issue 12, and those of issues 16 (backlog) and 17 (flood), beside the figures of this run: one line per aim, with the measured figure,
 * what it is compared with, the ratio (median and spread of the per-round ratios where the
 * subjects ran interleaved) and whether the median meets the aim. An aim whose figures this run did
 * not measure (its part was not run, or failed) says so.
 */
final class Aims {

    /**
     * The AES-GCM aim is relative to the issue's own figure: AES-256-GCM seal+open at 256 B through
     * peerlink's AesGcm with the JDK cipher, as peerlink used it then (issue 12's table).
     */
    static final double AES_GCM_256_BASELINE_MB_S = 140;

    private record Line(String measure, String figure, String comparedWith, String ratio, String aim, String verdict) {
    }

    private Aims() {
    }

    static String markdown(Results results) {
        List<Line> lines = new ArrayList<>();
        String ratioArea = ThroughputRounds.RATIO_AREA;
        String tput = ThroughputRounds.AREA;
        for (int size : BenchMain.SIZES) {
            String p = Results.size(size);
            double aim = size <= 256 ? 1.5 : 1.2;
            String unit = size >= 65536 ? "MB/s" : "msg/s";
            for (String subject : List.of("peerlink", "peerlink-batched")) {
                Results.Row mine = results.find(tput, subject, p, unit);
                Results.Row tls = results.find(tput, "tls13", p, unit);
                Results.Row ratio = results.find(ratioArea, subject + " / tls13", tput + ", " + p, "× msg/s");
                lines.add(line("transport " + p + ", " + subject + (subject.equals("peerlink")
                        ? " (one write per message)" : " (the peer's send loop, batched)"), mine, unit,
                        "tls13 " + figure(tls, unit), ratio, aim, "≥ " + aim + "× TLS"));
            }
            if (size >= 65536) {
                Results.Row ratio = results.find(ratioArea, "peerlink (best) / plain (best)", tput + ", " + p, "× msg/s");
                Results.Row plain = results.find(tput, "plain", p, unit);
                Results.Row batched = results.find(tput, "plain-batched", p, unit);
                lines.add(line("transport " + p + ", peerlink against plain frames (each side its faster way)",
                        results.find(tput, "peerlink", p, unit), unit, "plain " + figure(plain, unit)
                                + ", plain-batched " + figure(batched, unit), ratio, 0.6, "≥ 60 % of plain"));
            }
        }
        for (String subject : List.of("peerlink", "peerlink-batched")) {
            lines.add(line("the original demo's design (RSA-3072 per message), 256 B, " + subject,
                    results.find(tput, subject, "256 B", "msg/s"), "msg/s",
                    "rsa-oaep-3072 " + figure(results.find(tput, "rsa-oaep-3072", "256 B", "msg/s"), "msg/s"),
                    results.find(ratioArea, subject + " / rsa-oaep-3072", tput + ", 256 B", "× msg/s"), 1000,
                    "≥ 1,000×"));
        }

        String hs = "handshake, new connection";
        Results.Row p50 = results.find(hs, "peerlink", "sequential", "p50 ms");
        Results.Row tlsP50 = results.find(hs, "tls13", "sequential", "p50 ms");
        Results.Row hsRatio = results.find(ratioArea, "peerlink / tls13", hs + ", sequential", "× p50 ms");
        boolean hsMeasured = p50 != null && hsRatio != null && !Double.isNaN(p50.median()) && !Double.isNaN(hsRatio.median());
        lines.add(new Line("handshake p50, sequential, RSA-3072", figure(p50, "ms"), "tls13 " + figure(tlsP50, "ms"),
                ratio(hsRatio), "≤ 12 ms, ≤ 1.3× TLS", !hsMeasured ? "not measured"
                        : p50.median() <= 12 && hsRatio.median() <= 1.3 ? "met" : "MISSED"));

        List<Results.Row> gcm = results.findAll(JmhSuite.AREA, "AES-256-GCM seal+open", "256 B", "MB/s");
        if (gcm.isEmpty()) {
            lines.add(new Line("AES-256-GCM seal+open, JMH, 256 B", "–", AES_GCM_256_BASELINE_MB_S + " MB/s",
                    "–", "≥ 4×", "not measured"));
        }
        for (Results.Row row : gcm) {
            double r = row.median() / AES_GCM_256_BASELINE_MB_S;
            lines.add(new Line(row.subject() + ", JMH, 256 B", figure(row, "MB/s"),
                    Results.format(AES_GCM_256_BASELINE_MB_S) + " MB/s (issue 12's figure: the JDK cipher as peerlink "
                            + "used it then)", format(r, row.min() / AES_GCM_256_BASELINE_MB_S,
                                    row.max() / AES_GCM_256_BASELINE_MB_S), "≥ 4×", Double.isNaN(r) ? "not measured"
                                            : r >= 4 ? "met" : "MISSED"));
        }

        List<Line> later = new ArrayList<>();
        String backlog = io.peerlink.bench.rest.BacklogBench.AREA;
        Results.Row drain = results.find(backlog, "peerlink", "drain rate / limit", "%");
        Results.Row heap = results.find(backlog, "peerlink", "sender peak heap during the drain", "MiB");
        later.add(bound("issue 16: backlog drain rate against the SQLite limit line", drain, "%", 50, true,
                "≥ 50 % of the limit"));
        later.add(bound("issue 16: sender's peak heap during the drain", heap, "MiB", 128, false, "≤ 128 MiB"));
        String flood = io.peerlink.bench.rest.FloodBench.AREA;
        String hello = io.peerlink.bench.rest.FloodBench.HELLO_FLOOD;
        later.add(bound("issue 17: forced decryptions per second, one source", results.find(flood, "peerlink", hello,
                "forced decryptions/s"), "/s", 25, false, "≤ 25/s"));
        later.add(bound("issue 17: legitimate connect p99 under that flood", results.find(flood, "peerlink", hello,
                "legit connect p99 ms"), "ms", 500, false, "< 500 ms"));

        StringBuilder out = new StringBuilder("## Aims of issues 16 and 17\n\n");
        out.append("| measure | figure | aim | verdict |\n|---|---:|---|---|\n");
        for (Line l : later) {
            out.append("| ").append(l.measure).append(" | ").append(l.figure).append(" | ").append(l.aim)
                    .append(" | ").append(l.verdict).append(" |\n");
        }
        out.append('\n');
        out.append("## Aims of issue 12\n\n");
        out.append("Ratios are medians of the ratios taken within one round of interleaved subjects; the spread is ")
                .append("their range over the rounds.\n\n");
        out.append("| measure | figure | compared with | ratio (spread) | aim | verdict |\n|---|---:|---|---|---|---|\n");
        for (Line l : lines) {
            out.append("| ").append(l.measure).append(" | ").append(l.figure).append(" | ").append(l.comparedWith)
                    .append(" | ").append(l.ratio).append(" | ").append(l.aim).append(" | ").append(l.verdict)
                    .append(" |\n");
        }
        return out.toString();
    }

    /** A figure against a bound: at least {@code bound} when {@code atLeast}, else at most. */
    private static Line bound(String measure, Results.Row row, String unit, double bound, boolean atLeast,
            String aimText) {
        boolean measured = row != null && !Double.isNaN(row.median());
        return new Line(measure, figure(row, unit), "", "", aimText, !measured ? "not measured (or failed: see the table)"
                : (atLeast ? row.median() >= bound : row.median() <= bound) ? "met" : "MISSED");
    }

    private static Line line(String measure, Results.Row mine, String unit, String comparedWith, Results.Row ratio,
            double aim, String aimText) {
        boolean measured = ratio != null && !Double.isNaN(ratio.median());
        return new Line(measure, figure(mine, unit), comparedWith, ratio(ratio), aimText,
                !measured ? "not measured" : ratio.median() >= aim ? "met" : "MISSED");
    }

    private static String figure(Results.Row row, String unit) {
        return row == null || Double.isNaN(row.median()) ? "–" : Results.format(row.median()) + " " + unit;
    }

    private static String ratio(Results.Row row) {
        return row == null ? "–" : format(row.median(), row.min(), row.max());
    }

    private static String format(double median, double min, double max) {
        if (Double.isNaN(median)) {
            return "–";
        }
        String m = String.format(Locale.ROOT, "%.3g×", median);
        return Double.isNaN(min) ? m : m + String.format(Locale.ROOT, " (%.3g–%.3g)", min, max);
    }
}
