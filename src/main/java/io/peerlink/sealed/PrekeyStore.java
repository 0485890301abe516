package io.peerlink.sealed;

/**
 * The recipient's prekeys as {@link SealedMessages#open} needs them (after libsignal's
 * {@code PreKeyStore}): look one up, and consume a one-time prekey once a message sealed to it has
 * been opened. Implementations are thread-safe: two messages on the same one-time prekey may be
 * opened at once, and {@link #consume} lets exactly one of them through.
 *
 * <p>A store that must not lose a message commits the consumption together with the opened
 * message (in the transaction that puts it in the inbox): if the peer stops in between, both are
 * rolled back, the mailbox still holds the sealed message, and it is opened again.
 */
public interface PrekeyStore {

    /** The prekey with this id, private keys included, or null when there is none (never issued, consumed, or deleted). */
    Prekey prekey(long prekeyId);

    /** Whether this id names a one-time prekey that a message has consumed. */
    boolean consumed(long prekeyId);

    /**
     * Consumes a one-time prekey: from now on {@link #prekey} returns null and {@link #consumed} true
     * for it, and its private keys are deleted. Returns false when it was consumed already (another
     * message on it won), or is not a one-time prekey this store holds.
     */
    boolean consume(long prekeyId);
}
