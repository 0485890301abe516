package io.peerlink.bench.rest;

import io.peerlink.support.PeerProcess;
import java.util.Locale;

/**
 * A peer's store meters as {@code /actuator/prometheus} shows them at one moment: the commit timer
 * {@code peerlink.store.commit} (count, total seconds) and the batch-size summary
 * {@code peerlink.store.batch.size} (total writes). The difference of two readings says how many
 * transactions the writer committed in between, how long they took together, and how many writes
 * they held.
 *
 * @param commits      committed transactions so far
 * @param commitSeconds their total duration (begin to end, fsync included), seconds
 * @param writes       writes (store calls) they held
 */
record StoreMeters(double commits, double commitSeconds, double writes) {

    static final StoreMeters UNKNOWN = new StoreMeters(Double.NaN, Double.NaN, Double.NaN);

    static final String COMMITS = "peerlink_store_commit_seconds_count";
    static final String COMMIT_SECONDS = "peerlink_store_commit_seconds_sum";
    static final String WRITES = "peerlink_store_batch_size_sum";

    /** Reads the three series from Prometheus text; UNKNOWN when any is missing. */
    /** The store's commit meters from the peer's {@code /actuator/prometheus}; UNKNOWN when it cannot be read. */
    static StoreMeters of(PeerProcess peer) {
        try {
            return parse(peer.getBody("/actuator/prometheus"));
        } catch (java.io.IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    static StoreMeters parse(String prometheus) {
        double commits = value(prometheus, COMMITS);
        double seconds = value(prometheus, COMMIT_SECONDS);
        double writes = value(prometheus, WRITES);
        return Double.isNaN(commits) || Double.isNaN(seconds) || Double.isNaN(writes) ? UNKNOWN
                : new StoreMeters(commits, seconds, writes);
    }

    /** The sample value of {@code name} (summed over its label sets), NaN when absent. */
    static double value(String prometheus, String name) {
        double sum = Double.NaN;
        for (String line : prometheus.split("\n")) {
            if (!line.startsWith(name)) {
                continue;
            }
            char next = line.length() > name.length() ? line.charAt(name.length()) : '\0';
            if (next != ' ' && next != '{') {
                continue; // another series whose name starts the same
            }
            // "name{labels} value [timestamp]"
            int at = next == '{' ? line.lastIndexOf('}') + 1 : name.length();
            double v = Double.parseDouble(line.substring(at).trim().split("\\s+")[0]);
            sum = Double.isNaN(sum) ? v : sum + v;
        }
        return sum;
    }

    /** What happened between {@code earlier} and this reading. */
    StoreMeters since(StoreMeters earlier) {
        return new StoreMeters(commits - earlier.commits, commitSeconds - earlier.commitSeconds,
                writes - earlier.writes);
    }

    boolean known() {
        return !Double.isNaN(commits);
    }

    /** Mean writes per transaction. */
    double meanBatch() {
        return writes / commits;
    }

    /** Mean duration of one transaction, ms. */
    double meanCommitMillis() {
        return commitSeconds * 1e3 / commits;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.0f commits, %.3f s, %.0f writes", commits, commitSeconds, writes);
    }
}
