package io.peerlink.transport;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The budget of inbound connections still in their handshake, apart from established connections
 * and outbound dials (OpenSSH's {@code MaxStartups} and {@code PerSourceMaxStartups}, WireGuard's
 * rate limit for handshake initiations):
 *
 * <ul>
 *   <li>at most {@code maxHandshakes} in total and {@code maxPerAddress} from one
 *       {@link SourceAddress} (an IPv4 address or an IPv6 /64);</li>
 *   <li>every handshake that gets as far as making this peer decrypt pays one token from its
 *       source's {@link SourceRateLimiter} bucket, always. It pays when its connection is accepted
 *       while more than half of the total is in use, so that a refusal then costs nothing and the
 *       slot goes to another source; otherwise it pays when its CLIENT_HELLO arrives
 *       ({@link #mayDecrypt}), so that a quick burst of connections that go away after SERVER_HELLO
 *       (a dialler that finds it is already connected) is not refused.</li>
 * </ul>
 *
 * An admitted connection holds a {@link Slot} until its handshake ends, whichever way.
 *
 * <p>Thread-safe: one lock, taken once per accepted connection, at most once per CLIENT_HELLO and
 * once per handshake that ends.
 */
final class Admission {

    /**
     * The outcome of {@link #admit}: a slot, or why there is none.
     *
     * @param source what the per-address limits count the connection as
     * @param paid whether the handshake already paid its token
     */
    record Decision(Slot slot, InboundRefusal refusal, SourceAddress source, boolean paid) {
        boolean admitted() {
            return slot != null;
        }
    }

    private final int maxHandshakes;
    private final int maxPerAddress;
    private final SourceRateLimiter limiter = new SourceRateLimiter();
    private final Map<SourceAddress, Integer> perAddress = new HashMap<>(); // guarded by this
    private int inProgress; // guarded by this

    Admission(int maxHandshakes, int maxPerAddress) {
        if (maxHandshakes < 1 || maxPerAddress < 1 || maxPerAddress > maxHandshakes) {
            throw new IllegalArgumentException("need 1 <= max-handshakes-per-address (" + maxPerAddress
                    + ") <= max-handshakes (" + maxHandshakes + ")");
        }
        this.maxHandshakes = maxHandshakes;
        this.maxPerAddress = maxPerAddress;
    }

    /** Admits a new connection from {@code address} at {@code now} (nanoseconds, any origin), or says why not. */
    synchronized Decision admit(InetAddress address, long now) {
        SourceAddress source = SourceAddress.of(address);
        if (inProgress >= maxHandshakes) {
            return new Decision(null, InboundRefusal.MAX_HANDSHAKES, source, false);
        }
        int fromSource = perAddress.getOrDefault(source, 0);
        if (fromSource >= maxPerAddress) {
            return new Decision(null, InboundRefusal.MAX_HANDSHAKES_PER_ADDRESS, source, false);
        }
        boolean paid = false;
        if (2 * inProgress > maxHandshakes) {
            if (!limiter.allow(source, now)) {
                return new Decision(null, InboundRefusal.RATE_LIMITED, source, false);
            }
            paid = true;
        }
        inProgress++;
        perAddress.put(source, fromSource + 1);
        return new Decision(Slot.of(() -> release(source)), null, source, paid);
    }

    /**
     * Called once per admitted handshake when its CLIENT_HELLO has arrived, before anything in it
     * is decrypted: true when the handshake paid its token at admission or pays it now; false when
     * its source has none left (then the handshake must end without decrypting).
     */
    synchronized boolean mayDecrypt(Decision admitted, long now) {
        return admitted.paid() || limiter.allow(admitted.source(), now);
    }

    /** Handshakes in progress. */
    synchronized int inProgress() {
        return inProgress;
    }

    /** Handshakes in progress from one address (its IPv6 /64). */
    synchronized int inProgress(InetAddress address) {
        return perAddress.getOrDefault(SourceAddress.of(address), 0);
    }

    private synchronized void release(SourceAddress source) {
        inProgress--;
        perAddress.computeIfPresent(source, (a, n) -> n == 1 ? null : n - 1);
    }
}
