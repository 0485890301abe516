package io.peerlink.store;

/**
 * Told about every transaction the store's writer committed, for metrics: how many writes it held
 * and how long it took. Plain Java, so the store stays free of any metrics library; the wiring
 * adapts it (see {@code MicrometerCommitObserver}).
 *
 * <p>Called on the writer thread after each commit, before the writes' futures complete: an
 * implementation must be quick and must not throw (nor call back into the store, which would wait
 * for itself).
 */
@FunctionalInterface
public interface CommitObserver {

    /** Observes nothing. */
    CommitObserver NONE = (writes, nanos) -> {
    };

    /**
     * @param writes the writes (store calls) that shared the transaction, at least 1
     * @param nanos  from the transaction's begin to its end, commit (with its fsync) included: the
     *               time the writer thread spent on this batch
     */
    void committed(int writes, long nanos);
}
