package io.peerlink.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one results table: a row per figure, with the median over iterations and their range.
 * Rendered as Markdown for both stdout and {@code target/bench/results.md}.
 */
final class Results {

    /** One figure; {@code min}/{@code max} are NaN where there is no spread to show. */
    record Row(String area, String subject, String parameter, String unit, double median, double min,
            double max, String notes) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    synchronized void add(String area, String subject, String parameter, String unit, Stats stats, String notes) {
        rows.add(new Row(area, subject, parameter, unit, stats.median(),
                stats.n() > 1 ? stats.min() : Double.NaN, stats.n() > 1 ? stats.max() : Double.NaN, notes));
    }

    synchronized void add(String area, String subject, String parameter, String unit, double value, String notes) {
        rows.add(new Row(area, subject, parameter, unit, value, Double.NaN, Double.NaN, notes));
    }

    synchronized void failed(String area, String subject, String parameter, Throwable error) {
        String message = error.getClass().getSimpleName() + ": " + error.getMessage();
        failures.add(area + " / " + subject + " / " + parameter + ": " + message);
        rows.add(new Row(area, subject, parameter, "-", Double.NaN, Double.NaN, Double.NaN,
                "FAILED: " + message.replace('|', '/')));
    }

    synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    synchronized Row find(String area, String subject, String parameter, String unit) {
        for (Row row : rows) {
            if (row.area.equals(area) && row.subject.equals(subject) && row.parameter.equals(parameter)
                    && row.unit.equals(unit)) {
                return row;
            }
        }
        return null;
    }

    /** Every row of the area, parameter and unit whose subject starts with {@code subjectPrefix}. */
    synchronized List<Row> findAll(String area, String subjectPrefix, String parameter, String unit) {
        List<Row> found = new ArrayList<>();
        for (Row row : rows) {
            if (row.area.equals(area) && row.subject.startsWith(subjectPrefix) && row.parameter.equals(parameter)
                    && row.unit.equals(unit)) {
                found.add(row);
            }
        }
        return found;
    }

    /**
     * Adds, for every row of {@code subject}, one ratio row against each other subject measured with
     * the same area, parameter and unit ("peerlink / tls13"). Rates: higher is better; times: lower.
     * Areas in {@code pairedAreas} are left out: their ratios are taken round by round where measured.
     */
    synchronized void addRatios(String subject, java.util.Set<String> pairedAreas) {
        List<Row> ratios = new ArrayList<>();
        for (Row mine : rows) {
            if (!mine.subject.equals(subject) || Double.isNaN(mine.median) || pairedAreas.contains(mine.area)) {
                continue;
            }
            for (Row other : rows) {
                if (other.subject.equals(subject) || !other.area.equals(mine.area)
                        || !other.parameter.equals(mine.parameter) || !other.unit.equals(mine.unit)
                        || Double.isNaN(other.median) || other.median == 0) {
                    continue;
                }
                // a time ("p50 µs", "ms", "µs/op"), not a rate such as "msg/s"
                boolean time = mine.unit.matches("(.*\\s)?(µs|ms)(/op)?");
                ratios.add(new Row("ratio", subject + " / " + other.subject, mine.area + ", " + mine.parameter,
                        "× " + mine.unit, mine.median / other.median, Double.NaN, Double.NaN,
                        time ? "lower is better" : "higher is better"));
            }
        }
        rows.addAll(ratios);
    }

    synchronized String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| area | subject | size / setting | unit | median | spread (min–max) | notes |\n");
        out.append("|---|---|---|---|---:|---:|---|\n");
        for (Row row : rows) {
            out.append("| ").append(row.area).append(" | ").append(row.subject).append(" | ").append(row.parameter)
                    .append(" | ").append(row.unit).append(" | ").append(format(row.median)).append(" | ")
                    .append(Double.isNaN(row.min) ? "" : format(row.min) + "–" + format(row.max))
                    .append(" | ").append(row.notes).append(" |\n");
        }
        return out.toString();
    }

    /** About three significant digits, with thousands separators. */
    static String format(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 100) {
            double rounded = roundToSignificant(value, 3);
            return String.format(Locale.ROOT, "%,.0f", rounded);
        }
        if (magnitude >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

    private static double roundToSignificant(double value, int digits) {
        int exponent = (int) Math.floor(Math.log10(Math.abs(value)));
        double scale = Math.pow(10, exponent - digits + 1);
        return Math.round(value / scale) * scale;
    }

    static String size(int bytes) {
        return bytes >= 1024 && bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
    }
}
