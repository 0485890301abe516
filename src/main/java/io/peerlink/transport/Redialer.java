package io.peerlink.transport;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps dialling the addresses this peer dialled (through the API, {@code peerlink.connect}, or
 * stored from an earlier run) while their peer is known: one virtual thread per address waits
 * while the peer is connected and dials when it is not, backing off exponentially (capped) after
 * each failed dial.
 *
 * <p>Thread-safe.
 */
public final class Redialer {

    private static final Logger log = LoggerFactory.getLogger(Redialer.class);

    private final Dialer dialer;
    private final PeerDirectory directory;
    private final Duration minDelay;
    private final Duration maxDelay;
    private final ConcurrentHashMap<String, Loop> loops = new ConcurrentHashMap<>();
    private volatile boolean open = true;

    public Redialer(Dialer dialer, PeerDirectory directory, Duration minDelay, Duration maxDelay) {
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
        loops.computeIfAbsent(target.address(), address -> new Loop(target, peerId)).learn(peerId);
    }

    /** Stops dialling every address where {@code peerId} answered (until the next start). */
    public void forget(String peerId) {
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
        final Thread thread;
        volatile String peerId;
        volatile boolean cancelled;

        Loop(DialTarget target, String peerId) {
            this.target = target;
            this.peerId = peerId;
            this.thread = Thread.ofVirtual().name("peer-redial-" + target.address()).start(this::run);
        }

        void learn(String id) {
            if (id != null) {
                peerId = id;
            }
        }

        void cancel() {
            cancelled = true;
            thread.interrupt();
        }

        private void run() {
            Duration delay = minDelay;
            try {
                while (!cancelled) {
                    String id = peerId;
                    var current = id == null ? java.util.Optional.<PeerConnection>empty() : directory.connection(id);
                    if (current.isPresent()) {
                        while (!cancelled && !current.get().awaitTermination(Duration.ofSeconds(1))) {
                            // connected: nothing to do until the connection ends
                        }
                        delay = minDelay;
                        sleep(jittered(minDelay));
                        continue;
                    }
                    try {
                        peerId = dialer.dial(target).peerId();
                        delay = minDelay;
                        continue;
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
                    sleep(delay);
                    Duration doubled = delay.multipliedBy(2);
                    delay = doubled.compareTo(maxDelay) > 0 ? maxDelay : doubled;
                }
            } catch (InterruptedException e) {
                // cancelled or stopping
            }
        }

        private void sleep(Duration d) throws InterruptedException {
            if (!cancelled) {
                Thread.sleep(d);
            }
        }

        /** Both sides of a dropped connection should not dial back in lock step. */
        private Duration jittered(Duration d) {
            return d.plusMillis(ThreadLocalRandom.current().nextLong(Math.max(1, d.toMillis() / 4)));
        }
    }
}
