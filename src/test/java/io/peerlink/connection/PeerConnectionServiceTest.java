package io.peerlink.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.support.TestIdentities;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two services over real loopback sockets, no Spring. */
class PeerConnectionServiceTest {

    private final PeerConnectionService alice = service("alice", "127.0.0.1");
    private final PeerConnectionService bob = service("bob", "127.0.0.1");

    static PeerConnectionService service(String name, String host) {
        return new PeerConnectionService(TestIdentities.named(name), ConnectionSettings.forTests(host),
                new Inbox(100, Clock.systemUTC()), ConnectionObserver.NONE, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        alice.stop();
        bob.stop();
    }

    @Test
    void deliversMessagesBothWaysAndAcknowledgesThem() throws Exception {
        alice.start();
        bob.start();
        PeerView view = bob.connect("127.0.0.1", alice.listenPort(), null);
        assertThat(view.peerId()).isEqualTo(alice.identity().peerId());
        assertThat(view.state()).isEqualTo(PeerState.CONNECTED);
        assertThat(view.direction()).isEqualTo(Direction.OUTBOUND);

        bob.send(null, "hi alice");
        Inbox.Page page = alice.inbox().poll(0, 10, null, Duration.ofSeconds(5));
        assertThat(page.messages()).extracting(InboundMessage::text).containsExactly("hi alice");
        assertThat(page.messages().getFirst().from()).isEqualTo(bob.identity().peerId());

        awaitConnected(alice, 1);
        alice.send(bob.identity().peerId(), "hi bob");
        assertThat(bob.inbox().poll(0, 10, null, Duration.ofSeconds(5)).messages())
                .extracting(InboundMessage::text).containsExactly("hi bob");
        assertThat(alice.peer(bob.identity().peerId()).orElseThrow().safetyNumber())
                .isEqualTo(view.safetyNumber());
    }

    @Test
    void connectingTwiceGivesBackTheExistingConnection() throws Exception {
        alice.start();
        bob.start();
        bob.connect("127.0.0.1", alice.listenPort(), null);
        PeerView again = bob.connect("127.0.0.1", alice.listenPort(), null);
        assertThat(again.state()).isEqualTo(PeerState.CONNECTED);
        assertThat(bob.peers()).hasSize(1);
        assertThat(bob.connectedCount()).isEqualTo(1);
    }

    @Test
    void refusesServerWithUnexpectedFingerprint() throws Exception {
        alice.start();
        bob.start();
        assertThatThrownBy(() -> bob.connect("127.0.0.1", alice.listenPort(), "00".repeat(32)))
                .isInstanceOf(PeerConnectionException.class)
                .extracting(e -> ((PeerConnectionException) e).kind())
                .isEqualTo(PeerConnectionException.Kind.FINGERPRINT_MISMATCH);
        assertThat(bob.peers()).isEmpty();
    }

    @Test
    void deliversMessagesQueuedWhileThePeerWasAwayOnceItReconnects() throws Exception {
        alice.start();
        bob.start();
        bob.connect("127.0.0.1", alice.listenPort(), null);
        String aliceId = alice.identity().peerId();
        awaitConnected(alice, 1);
        alice.stop();
        awaitState(bob, aliceId, PeerState.DISCONNECTED);

        OutboundMessage queued = bob.send(aliceId, "sent while you were away");
        assertThat(queued.status()).isEqualTo(OutboundMessage.Status.QUEUED);

        PeerConnectionService aliceAgain = new PeerConnectionService(alice.identity(),
                ConnectionSettings.forTests("127.0.0.1"), alice.inbox(), ConnectionObserver.NONE, Clock.systemUTC());
        aliceAgain.start();
        try {
            bob.connect("127.0.0.1", aliceAgain.listenPort(), null);
            Inbox.Page page = aliceAgain.inbox().poll(0, 10, null, Duration.ofSeconds(5));
            assertThat(page.messages()).extracting(InboundMessage::text).containsExactly("sent while you were away");
            awaitUnacknowledged(bob, aliceId, 0);
        } finally {
            aliceAgain.stop();
        }
    }

    @Test
    void keepsOneConnectionWhenBothPeersDialEachOtherAtOnce() throws Exception {
        alice.start();
        bob.start();
        var a = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> alice.connect("127.0.0.1", bob.listenPort(), null));
        var b = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> bob.connect("127.0.0.1", alice.listenPort(), null));
        a.get(10, java.util.concurrent.TimeUnit.SECONDS);
        b.get(10, java.util.concurrent.TimeUnit.SECONDS);
        // a losing duplicate closes; both sides agree on one working connection
        awaitConnected(alice, 1);
        awaitConnected(bob, 1);
        bob.send(null, "one connection");
        assertThat(alice.inbox().poll(0, 10, null, Duration.ofSeconds(5)).messages())
                .extracting(InboundMessage::text).containsExactly("one connection");
    }

    @Test
    void trafficFlowsAcrossKeyUpdatesBetweenServices() throws Exception {
        var tiny = new io.peerlink.wire.Limits(1 << 20, 65536, 2);
        PeerConnectionService a = new PeerConnectionService(alice.identity(),
                ConnectionSettings.forTests("127.0.0.1").withLimits(tiny), new Inbox(100, Clock.systemUTC()),
                ConnectionObserver.NONE, Clock.systemUTC());
        PeerConnectionService b = new PeerConnectionService(bob.identity(),
                ConnectionSettings.forTests("127.0.0.1").withLimits(tiny), new Inbox(100, Clock.systemUTC()),
                ConnectionObserver.NONE, Clock.systemUTC());
        a.start();
        b.start();
        try {
            b.connect("127.0.0.1", a.listenPort(), null);
            awaitConnected(a, 1);
            for (int i = 0; i < 25; i++) {
                b.send(null, "m" + i);
                a.send(null, "r" + i);
            }
            assertThat(collect(a.inbox(), 25)).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, 25).mapToObj(i -> "m" + i).toList());
            assertThat(collect(b.inbox(), 25)).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, 25).mapToObj(i -> "r" + i).toList());
        } finally {
            a.stop();
            b.stop();
        }
    }

    @Test
    void refusesConnectionsBeyondMaxConnections() throws Exception {
        ConnectionSettings one = new ConnectionSettings("127.0.0.1", 0, java.util.List.of(), 1,
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofMillis(100),
                Duration.ofSeconds(2), io.peerlink.wire.Limits.DEFAULTS);
        PeerConnectionService small = new PeerConnectionService(alice.identity(), one,
                new Inbox(10, Clock.systemUTC()), ConnectionObserver.NONE, Clock.systemUTC());
        PeerConnectionService carol = service("carol", "127.0.0.1");
        small.start();
        bob.start();
        carol.start();
        try {
            bob.connect("127.0.0.1", small.listenPort(), null);
            awaitConnected(small, 1);
            assertThatThrownBy(() -> carol.connect("127.0.0.1", small.listenPort(), null))
                    .isInstanceOf(PeerConnectionException.class)
                    .hasMessageContaining("failed");
            awaitConnected(small, 1);
        } finally {
            small.stop();
            carol.stop();
        }
    }

    static java.util.List<String> collect(Inbox inbox, int n) throws InterruptedException {
        java.util.List<String> texts = new java.util.ArrayList<>();
        long cursor = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (texts.size() < n && System.nanoTime() < deadline) {
            Inbox.Page page = inbox.poll(cursor, 100, null, Duration.ofSeconds(1));
            page.messages().forEach(m -> texts.add(m.text()));
            cursor = page.nextCursor();
        }
        return texts;
    }

    /** The accepting side registers a connection a moment after the dialling side's connect() returns. */
    static void awaitConnected(PeerConnectionService service, int n) throws InterruptedException {
        await(() -> service.connectedCount() == n);
        assertThat(service.connectedCount()).isEqualTo(n);
    }

    static void awaitState(PeerConnectionService service, String peerId, PeerState state) throws InterruptedException {
        await(() -> service.peer(peerId).map(PeerView::state).orElse(null) == state);
        assertThat(service.peer(peerId).map(PeerView::state)).contains(state);
    }

    static void awaitUnacknowledged(PeerConnectionService service, String peerId, int n) throws InterruptedException {
        await(() -> service.unacknowledged(peerId) == n);
        assertThat(service.unacknowledged(peerId)).isEqualTo(n);
    }

    /** Polls for up to 5 s; the caller asserts afterwards, so a time-out fails with the real value. */
    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
    }
}
