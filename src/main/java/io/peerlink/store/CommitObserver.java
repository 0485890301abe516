package io.peerlink.store;

/**
 * Told about every transaction the store's writer committed, for metrics: how many writes it held
 * and how long it took; and, once committed, about the outbound messages that reached their end:
 * DELIVERED (with the time since they were accepted) or FAILED (with a reason). Plain Java, so the
 * store stays free of any metrics library; the wiring adapts it (see {@code MicrometerCommitObserver}).
 *
 * <p>{@link #committed} is called on the writer thread after each commit, before the writes' futures
 * complete; {@link #delivered} and {@link #failed} after the commit, on the thread that completes the
 * write's future. An implementation must be quick and must not throw (nor call back into the store,
 * which would wait for itself).
 */
@FunctionalInterface
public interface CommitObserver {

    /** {@link #failed} reason: the recipient was forgotten before delivery. */
    String FAILED_FORGOTTEN = "forgotten";
    /** {@link #failed} reason: the message outlived {@code peerlink.message-ttl}. */
    String FAILED_TTL = "ttl";

    /** Observes nothing. */
    CommitObserver NONE = (writes, nanos) -> {
    };

    /**
     * @param writes the writes (store calls) that shared the transaction, at least 1
     * @param nanos  from the transaction's begin to its end, commit (with its fsync) included: the
     *               time the writer thread spent on this batch
     */
    void committed(int writes, long nanos);

    /**
     * An outbound message became DELIVERED.
     *
     * @param millis from its acceptance ({@code createdAt}) to the recipient's ACK ({@code deliveredAt})
     */
    default void delivered(long millis) {
    }

    /**
     * Outbound messages became FAILED.
     *
     * @param reason {@link #FAILED_FORGOTTEN} or {@link #FAILED_TTL}
     * @param count  how many, at least 1
     */
    default void failed(String reason, int count) {
    }
}
