package io.peerlink.transport;

import io.peerlink.wire.CloseCode;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps dialling the addresses this peer dialled (through the API, {@code peerlink.connect}, or
 * stored from an earlier run) while their peer is known. Per address, one attempt at a time: on
 * the {@link Timers} thread's signal it checks the peer's connection and, when there is none,
 * dials (on a virtual thread), then schedules its next look: soon while connected, and backing off
 * exponentially (capped) after each failed dial, and after each connection the peer closed saying it
 * takes nothing more from this one for now ({@link CloseCode#refusesForNow}: a request over its
 * quota, storage full, ...). The back-off starts over when a connection ends any other way. No
 * thread waits in between.
 *
 * <p>Thread-safe.
 */
public final class Redialer {

    private static final Logger log = LoggerFactory.getLogger(Redialer.class);

    private final Dialer dialer;
    private final PeerDirectory directory;
    private final Duration minDelay;
    private final Duration maxDelay;
    private final Timers timers;
    private final ConcurrentHashMap<String, Loop> loops = new ConcurrentHashMap<>();
    /**
     * Peers forgotten since the start: a loop that learns one of them only as its dial returns (a
     * {@code peerlink.connect} entry dialled for the first time) stops then, as if it had known it.
     */
    private final java.util.Set<String> forgotten = ConcurrentHashMap.newKeySet();
    private volatile boolean open = true;

    public Redialer(Dialer dialer, PeerDirectory directory, Duration minDelay, Duration maxDelay, Timers timers) {
        this.timers = timers;
        this.dialer = dialer;
        this.directory = directory;
        this.minDelay = minDelay;
        this.maxDelay = maxDelay;
    }

    /**
     * Keeps the target dialled. {@code peerId}, when known, is the identity that answered there (null
     * for a {@code peerlink.connect} entry seen for the first time: it is learnt on the first
     * connection). Which identity is accepted is the dialler's business: the target's pin, or the
     * identity bound to the address (trust on first use).
     */
    public void keep(DialTarget target, String peerId) {
        if (!open) {
            return;
        }
        if (peerId != null) {
            // dialled again on purpose (the user connects to it): no longer forgotten
            forgotten.remove(peerId);
        }
        loops.computeIfAbsent(target.address(), address -> new Loop(target, peerId)).learn(peerId);
    }

    /** Stops dialling every address where {@code peerId} answered (until the next start). */
    public void forget(String peerId) {
        forgotten.add(peerId);
        loops.values().removeIf(loop -> {
            if (peerId.equals(loop.peerId)) {
                loop.cancel();
                return true;
            }
            return false;
        });
    }

    public void close() {
        open = false;
        loops.values().forEach(Loop::cancel);
        loops.clear();
    }

    private final class Loop {
        final DialTarget target;
        volatile String peerId;
        volatile boolean cancelled;
        private volatile Future<?> next;
        private volatile Thread attempt;
        /** The back-off: touched only by the attempt in progress (attempts never overlap). */
        private Duration delay = minDelay;
        /** Whether the last look found the peer connected (touched only by the attempt in progress). */
        private boolean connected;

        Loop(DialTarget target, String peerId) {
            this.target = target;
            this.peerId = peerId;
            schedule(Duration.ZERO);
        }

        void learn(String id) {
            if (id != null) {
                peerId = id;
            }
        }

        void cancel() {
            cancelled = true;
            Future<?> f = next;
            if (f != null) {
                f.cancel(false);
            }
            Thread t = attempt;
            if (t != null) {
                t.interrupt();
            }
        }

        private void schedule(Duration after) {
            if (!cancelled) {
                next = timers.redialDue(after, this::attempt);
            }
        }

        /** One look at the address (on a virtual thread): dial if the peer is not connected; schedule the next. */
        private void attempt() {
            if (cancelled) {
                return;
            }
            attempt = Thread.currentThread();
            try {
                String id = peerId;
                if (id != null && directory.connection(id).isPresent()) {
                    // connected: look again soon, then dial once the connection is gone
                    connected = true;
                    schedule(jittered(minDelay));
                    return;
                }
                if (connected) {
                    connected = false;
                    CloseCode refusal = id == null ? null : directory.refusal(id);
                    if (refusal == null) {
                        // the connection just ended: wait a moment first (the user may be forgetting the
                        // peer, and both sides should not dial back in lock step); the back-off starts over
                        delay = minDelay;
                        schedule(jittered(minDelay));
                        return;
                    }
                    // the peer said it takes nothing more from us for now: dialling at once would only be
                    // refused again, so back off as after a failed dial (the messages wait in the store)
                    log.info("{} at {} refused this peer ({}); next try in {} ms", id, target.address(), refusal,
                            delay.toMillis());
                    backOff();
                    return;
                }
                try {
                    peerId = dialer.dial(target).peerId();
                    if (forgotten.contains(peerId)) {
                        // forgotten while this first dial was finishing: stop here, as forget() would have
                        log.info("Stopped dialling {}: {} was forgotten", target.address(), peerId);
                        loops.remove(target.address(), this);
                        return;
                    }
                    // the back-off starts over once a connection ends without a refusal (above)
                    connected = true;
                    schedule(jittered(minDelay));
                    return;
                } catch (PeerConnectionException e) {
                    switch (e.kind()) {
                        case STOPPED -> {
                            return;
                        }
                        case KEY_CHANGED, SELF -> {
                            // dialling again would get the same answer: the user decides (pin or forget)
                            log.info("Stopped dialling {}: {}", target.address(), e.getMessage());
                            loops.remove(target.address(), this);
                            return;
                        }
                        default -> log.info("Dialling {} failed: {}; next try in {} ms", target.address(),
                                e.getMessage(), delay.toMillis());
                    }
                }
                backOff();
            } finally {
                attempt = null;
            }
        }

        /** Looks again after the current delay, and doubles it (capped) for the next time. */
        private void backOff() {
            schedule(delay);
            Duration doubled = delay.multipliedBy(2);
            delay = doubled.compareTo(maxDelay) > 0 ? maxDelay : doubled;
        }

        /** Both sides of a dropped connection should not dial back in lock step. */
        private Duration jittered(Duration d) {
            return d.plusMillis(ThreadLocalRandom.current().nextLong(Math.max(1, d.toMillis() / 4)));
        }
    }
}
