package io.peerlink.sealed;

import io.peerlink.crypto.SymmetricState;
import io.peerlink.identity.PeerKey;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sender certificates that verified lately, so that a stream of messages from one contact costs
 * one RSA-PSS verification, not one per message (0.1 ms at RSA-3072, a fifth of an open). Keyed by
 * the SHA-256 of the certificate's exact bytes: the same bytes always verify the same way. Holds at
 * most {@link #CAPACITY} entries, the least recently used leaving first. Thread-safe: the lock
 * guards the map only; verification runs outside it.
 */
final class VerifiedCertificates {

    static final int CAPACITY = 1024;

    /** The one instance {@link SealedMessages#open} uses. */
    static final VerifiedCertificates SHARED = new VerifiedCertificates(CAPACITY);

    private final Map<ByteBuffer, PeerKey> verified;

    VerifiedCertificates(int capacity) {
        this.verified = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, PeerKey> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The sender of {@code encoded}, verified now or earlier (see {@link SenderCertificate#verify}). */
    PeerKey sender(byte[] encoded, SenderCertificate certificate) throws SealedException {
        ByteBuffer key = ByteBuffer.wrap(SymmetricState.sha256(encoded));
        PeerKey known;
        synchronized (verified) {
            known = verified.get(key);
        }
        if (known != null) {
            return known;
        }
        PeerKey sender = certificate.verify();
        synchronized (verified) {
            verified.put(key, sender);
        }
        return sender;
    }

    int size() {
        synchronized (verified) {
            return verified.size();
        }
    }
}
