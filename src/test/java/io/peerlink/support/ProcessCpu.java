package io.peerlink.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of a process from /proc (Linux); NaN elsewhere. */
public final class ProcessCpu {

    private static final double CLOCK_TICKS = 100; // USER_HZ on Linux

    private ProcessCpu() {
    }

    /** Busy CPU seconds of the whole machine (all cores) so far, from /proc/stat; NaN when unreadable. */
    public static double machineSeconds() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                if (i < cpu.length) {
                    busy += Long.parseLong(cpu[i]);
                }
            }
            return busy / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** User plus system CPU seconds of {@code pid} so far, or NaN when unreadable. */
    public static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            // after "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12 here
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
