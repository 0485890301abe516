package io.peerlink.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.store.StoredMessage;
import io.peerlink.support.TestIdentities;
import io.peerlink.support.TestStores;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.transport.Direction;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A sender refused by the receiver's request quota backs off (the test settings' re-dial back-off:
 * 100 ms doubling to 2 s) instead of re-dialling at the shortest delay, shows why, and loses nothing.
 */
class RefusalBackOffTest {

    private static final long LOTS = 1L << 40;

    private final List<PeerConnectionService> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(PeerConnectionService::stop);
    }

    private PeerConnectionService start(String name, Quotas quotas, ConnectionObserver observer) throws Exception {
        PeerConnectionService s = new PeerConnectionService(TestIdentities.named(name),
                ConnectionSettings.forTests("127.0.0.1"), TestStores.fresh(), observer, Clock.systemUTC(), quotas,
                () -> LOTS);
        s.start();
        started.add(s);
        return s;
    }

    @Test
    void aSenderOverTheRequestQuotaBacksOffSaysWhyAndDeliversEverythingOnceAccepted() throws Exception {
        PeerConnectionService alice = start("alice", new Quotas(true, false, 3, LOTS, LOTS, LOTS, 0),
                ConnectionObserver.NONE);
        AtomicInteger dials = new AtomicInteger();
        PeerConnectionService bob = start("bob", Quotas.DEFAULTS, new ConnectionObserver() {
            @Override
            public void handshakeSucceeded(Direction direction, long nanos) {
                if (direction == Direction.OUTBOUND) {
                    dials.incrementAndGet();
                }
            }
        });
        String aliceId = alice.identity().peerId();
        String bobId = bob.identity().peerId();
        bob.connect("127.0.0.1", alice.listenPort(), null);
        List<String> sent = IntStream.range(0, 10).mapToObj(i -> "held " + i).toList();
        sent.forEach(t -> bob.send(aliceId, t));

        await(() -> "REQUEST_QUOTA".equals(bob.peer(aliceId).orElseThrow().refusal()), Duration.ofSeconds(10));
        int before = dials.get();
        Thread.sleep(4000);
        int during = dials.get() - before;
        // 100 ms doubling to 2 s, each after a 100 ms look: dials ~0.2, 0.5, 1.0, 1.9, 3.6 s in; without
        // the back-off one every ~0.2 s, about 20
        assertThat(during).as("bob's dials to alice in 4 s while refused").isBetween(1, 7);
        assertThat(texts(alice)).isEqualTo(sent.subList(0, 3));
        assertThat(bob.store().events().after(0, 1000).stream()
                .filter(e -> e.peerId().equals(aliceId) && e.detail().equals("refused:REQUEST_QUOTA")).count())
                .as("refused events: once, not per re-dial").isEqualTo(1);

        alice.accept(bobId);
        await(() -> texts(alice).size() >= sent.size(), Duration.ofSeconds(10));
        assertThat(texts(alice)).isEqualTo(sent);
        await(() -> bob.peer(aliceId).orElseThrow().refusal() == null
                && bob.peer(aliceId).orElseThrow().state() == PeerState.CONNECTED, Duration.ofSeconds(10));
    }

    private static List<String> texts(PeerConnectionService at) {
        try {
            return at.inbox().poll(0, 100, null, Duration.ZERO).messages().stream().map(StoredMessage::text).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout);
            }
            Thread.sleep(20);
        }
    }
}
