package io.peerlink.transport;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The budget of inbound connections still in their handshake, apart from established connections
 * and outbound dials (OpenSSH's {@code MaxStartups} and {@code PerSourceMaxStartups}, WireGuard's
 * rate limit under load):
 *
 * <ul>
 *   <li>at most {@code maxHandshakes} in total and {@code maxPerAddress} from one address;</li>
 *   <li>while more than half of the total is in use, each source may open new connections only
 *       as fast as its {@link SourceRateLimiter} token bucket allows.</li>
 * </ul>
 *
 * An admitted connection holds a {@link Slot} until its handshake ends, whichever way.
 *
 * <p>Thread-safe: one lock, taken once per accepted connection and once per handshake that ends.
 */
final class Admission {

    /** The outcome of {@link #admit}: a slot, or why there is none. */
    record Decision(Slot slot, InboundRefusal refusal) {
        boolean admitted() {
            return slot != null;
        }
    }

    private final int maxHandshakes;
    private final int maxPerAddress;
    private final SourceRateLimiter limiter = new SourceRateLimiter();
    private final Map<InetAddress, Integer> perAddress = new HashMap<>(); // guarded by this
    private int inProgress; // guarded by this

    Admission(int maxHandshakes, int maxPerAddress) {
        if (maxHandshakes < 1 || maxPerAddress < 1 || maxPerAddress > maxHandshakes) {
            throw new IllegalArgumentException("need 1 <= max-handshakes-per-address (" + maxPerAddress
                    + ") <= max-handshakes (" + maxHandshakes + ")");
        }
        this.maxHandshakes = maxHandshakes;
        this.maxPerAddress = maxPerAddress;
    }

    /** Admits a new connection from {@code source} at {@code now} (nanoseconds, any origin), or says why not. */
    synchronized Decision admit(InetAddress source, long now) {
        if (inProgress >= maxHandshakes) {
            return new Decision(null, InboundRefusal.MAX_HANDSHAKES);
        }
        int fromSource = perAddress.getOrDefault(source, 0);
        if (fromSource >= maxPerAddress) {
            return new Decision(null, InboundRefusal.MAX_HANDSHAKES_PER_ADDRESS);
        }
        if (2 * inProgress > maxHandshakes && !limiter.allow(source, now)) {
            return new Decision(null, InboundRefusal.RATE_LIMITED);
        }
        inProgress++;
        perAddress.put(source, fromSource + 1);
        return new Decision(Slot.of(() -> release(source)), null);
    }

    /** Handshakes in progress. */
    synchronized int inProgress() {
        return inProgress;
    }

    /** Handshakes in progress from one address. */
    synchronized int inProgress(InetAddress source) {
        return perAddress.getOrDefault(source, 0);
    }

    private synchronized void release(InetAddress source) {
        inProgress--;
        perAddress.computeIfPresent(source, (a, n) -> n == 1 ? null : n - 1);
    }
}
