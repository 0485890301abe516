package io.peerlink.sealed;

/** Whether a prekey opens one message and is then forgotten, or many until it is replaced. */
public enum PrekeyKind {
    /** Opens exactly one message; the recipient deletes its private part once that message is opened. */
    ONE_TIME(1),
    /** Handed out when the one-time prekeys have run out; opens every message until it expires. */
    LAST_RESORT(2);

    private final int code;

    PrekeyKind(int code) {
        this.code = code;
    }

    /** The byte on the wire. */
    public int code() {
        return code;
    }

    static PrekeyKind of(int code) throws SealedException {
        for (PrekeyKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        throw new SealedException(SealedException.Reason.MALFORMED, "prekey kind " + code + " is neither 1 nor 2");
    }
}
