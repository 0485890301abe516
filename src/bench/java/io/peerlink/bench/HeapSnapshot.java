package io.peerlink.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * What this JVM holds at one moment: the live heap after a full GC, by class (the
 * {@code GC.class_histogram} diagnostic command, run in-process; it collects first), RSS, and the
 * platform and virtual thread counts (virtual threads from a JSON thread dump, as {@code jcmd
 * Thread.dump_to_file} writes it).
 */
record HeapSnapshot(long liveBytes, Map<String, long[]> classes, long rssKiB, int platformThreads,
        int allThreads) {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final Pattern TID = Pattern.compile("\"tid\"");

    static HeapSnapshot take(Path scratch) throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> classes = new HashMap<>();
        long total = -1;
        for (String line : histogram.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                classes.merge(row.group(3), new long[] {Long.parseLong(row.group(1)), Long.parseLong(row.group(2))},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                continue;
            }
            Matcher t = TOTAL.matcher(line.trim());
            if (t.matches()) {
                total = Long.parseLong(t.group(2));
            }
        }
        if (total < 0) {
            throw new IllegalStateException("no total in the class histogram");
        }
        return new HeapSnapshot(total, classes, currentRssKiB(), ManagementFactory.getThreadMXBean().getThreadCount(),
                countThreads(scratch));
    }

    int virtualThreads() {
        return allThreads < 0 ? -1 : Math.max(0, allThreads - platformThreads);
    }

    /** Bytes per unit of {@code units} more than {@code base} holds, by class, largest first. */
    List<String> topGrowth(HeapSnapshot base, int units, int limit) {
        List<Map.Entry<String, long[]>> growth = new ArrayList<>();
        for (var e : classes.entrySet()) {
            long[] before = base.classes.getOrDefault(e.getKey(), new long[2]);
            growth.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - before[0], e.getValue()[1] - before[1]}));
        }
        growth.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        List<String> top = new ArrayList<>();
        for (var e : growth.subList(0, Math.min(limit, growth.size()))) {
            top.add(String.format(Locale.ROOT, "%s %.2f KiB (%.1f objects)", e.getKey(),
                    e.getValue()[1] / 1024.0 / units, e.getValue()[0] / (double) units));
        }
        return top;
    }

    private static long currentRssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** All threads, virtual ones included, from a JSON thread dump; -1 when it cannot be taken. */
    private static int countThreads(Path scratch) {
        try {
            Files.createDirectories(scratch);
            Path file = Files.createTempFile(scratch, "threads-", ".json");
            Files.delete(file); // dumpThreads refuses an existing file
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpThreads(file.toString(),
                    HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            String json = Files.readString(file);
            Files.delete(file);
            return (int) TID.matcher(json).results().count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
