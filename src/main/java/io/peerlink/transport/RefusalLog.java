package io.peerlink.transport;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Keeps the log readable under attack: for refused inbound connections and failed inbound
 * handshakes, at most one line per source address a minute (a {@link SourceAddress}: an IPv6 /64
 * is one source). The first event from a source is logged as usual; those after it within the
 * minute are only counted (the metric counts every one), and the next line logged for that source
 * says how many were left out and why.
 *
 * <p>At most {@value #MAX_SOURCES} sources are tracked; when that many logged within the last
 * minute, a further new source is not logged either (its events are counted in the metric).
 *
 * <p>Thread-safe.
 */
final class RefusalLog {

    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MAX_SOURCES = 4096;

    private final LongSupplier nanoClock;
    private final Map<SourceAddress, Window> windows = new HashMap<>(); // guarded by this

    RefusalLog(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Records an event with {@code reason} from {@code source}. Returns null when it must not be
     * logged; otherwise what to append to the line: empty, or how many events from this source
     * were left out since its last line.
     */
    synchronized String admit(InetAddress address, String reason) {
        long now = nanoClock.getAsLong();
        SourceAddress source = SourceAddress.of(address);
        Window w = windows.get(source);
        if (w != null && now - w.start < WINDOW.toNanos()) {
            w.suppressed.merge(reason, 1, Integer::sum);
            return null;
        }
        if (w == null && windows.size() >= MAX_SOURCES) {
            windows.values().removeIf(old -> now - old.start >= WINDOW.toNanos());
            if (windows.size() >= MAX_SOURCES) {
                return null;
            }
        }
        String more = w == null ? "" : w.describe();
        windows.put(source, new Window(now));
        return more;
    }

    private static final class Window {
        final long start;
        final Map<String, Integer> suppressed = new TreeMap<>();

        Window(long start) {
            this.start = start;
        }

        String describe() {
            if (suppressed.isEmpty()) {
                return "";
            }
            int total = suppressed.values().stream().mapToInt(Integer::intValue).sum();
            StringBuilder b = new StringBuilder(" (").append(total).append(" more from this address since its last "
                    + "line, not logged: ");
            String sep = "";
            for (var e : suppressed.entrySet()) {
                b.append(sep).append(e.getKey()).append(' ').append(e.getValue());
                sep = ", ";
            }
            return b.append(')').toString();
        }
    }
}
