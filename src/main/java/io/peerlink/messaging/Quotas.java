package io.peerlink.messaging;

/**
 * What this peer stores from others (docs/PROTOCOL.md section 8).
 *
 * @param requestsEnabled whether identities nobody accepted may connect at all (as message requests)
 * @param firstContact whether the first identity that dials in while this peer has no contact at all
 *        becomes a contact without an accept (a fresh peer given out by its address, as in the demo)
 * @param requestMaxMessages messages stored per request at most
 * @param requestMaxBytes UTF-8 bytes of text stored per request at most
 * @param requestTotalBytes UTF-8 bytes of text stored for all requests together at most
 * @param peerStorageQuota UTF-8 bytes of text stored per contact at most
 * @param minFreeDisk below this much free space on the store's disk nothing more is acknowledged
 */
public record Quotas(boolean requestsEnabled, boolean firstContact, int requestMaxMessages, long requestMaxBytes, long requestTotalBytes,
        long peerStorageQuota, long minFreeDisk) {

    public static final int DEFAULT_REQUEST_MAX_MESSAGES = 20;
    public static final long DEFAULT_REQUEST_MAX_BYTES = 256L * 1024;
    public static final long DEFAULT_REQUEST_TOTAL_BYTES = 16L * 1024 * 1024;
    public static final long DEFAULT_PEER_STORAGE_QUOTA = 1024L * 1024 * 1024;
    public static final long DEFAULT_MIN_FREE_DISK = 256L * 1024 * 1024;

    public static final Quotas DEFAULTS = new Quotas(true, true, DEFAULT_REQUEST_MAX_MESSAGES, DEFAULT_REQUEST_MAX_BYTES,
            DEFAULT_REQUEST_TOTAL_BYTES, DEFAULT_PEER_STORAGE_QUOTA, DEFAULT_MIN_FREE_DISK);

    public Quotas {
        if (requestMaxMessages < 0 || requestMaxBytes < 0 || requestTotalBytes < 0 || peerStorageQuota < 0
                || minFreeDisk < 0) {
            throw new IllegalArgumentException("quotas must not be negative");
        }
    }
}
