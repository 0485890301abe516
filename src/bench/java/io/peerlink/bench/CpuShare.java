package io.peerlink.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How much of the machine's CPU other processes took while the benchmarks ran: all busy CPU time
 * (from /proc/stat) minus this process's own and its reaped children's (the JMH forks), from
 * /proc/self/stat. Linux only; elsewhere it says nothing.
 */
record CpuShare(long busyTicks, long stealTicks, long ownTicks, long nanos) {

    static CpuShare now() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7}) {
                busy += Long.parseLong(cpu[i]);
            }
            long steal = cpu.length > 8 ? Long.parseLong(cpu[8]) : 0;
            String self = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = self.substring(self.lastIndexOf(')') + 2).trim().split("\\s+");
            // after "pid (comm) ": state is field 3, so utime (14) .. cstime (17) are at 11 .. 14 here
            long own = 0;
            for (int i = 11; i <= 14; i++) {
                own += Long.parseLong(fields[i]);
            }
            return new CpuShare(busy, steal, own, System.nanoTime());
        } catch (IOException | RuntimeException e) {
            return new CpuShare(-1, -1, -1, System.nanoTime());
        }
    }

    /** One sentence on other processes' share of all cores since {@code start}, or "". */
    String since(CpuShare start) {
        if (busyTicks < 0 || start.busyTicks < 0) {
            return "";
        }
        double ticksPerSecond = 100; // USER_HZ on Linux
        double capacity = (nanos - start.nanos) / 1e9 * ticksPerSecond * Runtime.getRuntime().availableProcessors();
        double others = Math.max(0, (busyTicks - start.busyTicks) - (ownTicks - start.ownTicks)) / capacity;
        double steal = (stealTicks - start.stealTicks) / capacity;
        String sentence = String.format(Locale.ROOT, "other processes used %.0f%% of all cores during the run, "
                + "hypervisor steal %.0f%%", 100 * others, 100 * steal);
        return others + steal > 0.1 ? sentence + " — WARNING: the benchmarks shared the CPU, figures are low and noisy"
                : sentence;
    }
}
