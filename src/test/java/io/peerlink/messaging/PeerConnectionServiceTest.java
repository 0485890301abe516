package io.peerlink.messaging;

import io.peerlink.transport.DialTarget;
import io.peerlink.transport.PeerConnectionException;
import io.peerlink.transport.Direction;
import io.peerlink.transport.PeerConnection;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.transport.ConnectionObserver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.store.MessageStatus;
import io.peerlink.store.Store;
import io.peerlink.store.StoredMessage;
import io.peerlink.support.TestIdentities;
import io.peerlink.support.TestStores;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two services over real loopback sockets, no Spring. */
public class PeerConnectionServiceTest {

    private final PeerConnectionService alice = service("alice", "127.0.0.1");
    private final PeerConnectionService bob = service("bob", "127.0.0.1");

    static PeerConnectionService service(String name, String host) {
        return new PeerConnectionService(TestIdentities.named(name), ConnectionSettings.forTests(host),
                TestStores.fresh(), ConnectionObserver.NONE, Clock.systemUTC());
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
        PeerView view = bob.connect("127.0.0.1", alice.listenPort(), null).peer();
        assertThat(view.peerId()).isEqualTo(alice.identity().peerId());
        assertThat(view.state()).isEqualTo(PeerState.CONNECTED);
        assertThat(view.direction()).isEqualTo(Direction.OUTBOUND);

        bob.send(null, "hi alice");
        Inbox.Page page = alice.inbox().poll(0, 10, null, Duration.ofSeconds(5));
        assertThat(page.messages()).extracting(StoredMessage::text).containsExactly("hi alice");
        assertThat(page.messages().getFirst().peerId()).isEqualTo(bob.identity().peerId());

        awaitConnected(alice, 1);
        alice.send(bob.identity().peerId(), "hi bob");
        assertThat(bob.inbox().poll(0, 10, null, Duration.ofSeconds(5)).messages())
                .extracting(StoredMessage::text).containsExactly("hi bob");
        assertThat(alice.peer(bob.identity().peerId()).orElseThrow().safetyNumber())
                .isEqualTo(view.safetyNumber());
    }

    @Test
    void concurrentSendersOnAnOpenConnectionDeliverEveryMessageOnceAndEachSendersInOrder() throws Exception {
        // alice commits slowly (each commit 50 ms longer), so her ACKs lag and bob's window of
        // 4 MiB fills: sends then wait in the store for the reads that follow the ACKs
        PeerConnectionService slowAlice = SlowCommitServices.create(alice.identity(),
                ConnectionSettings.forTests("127.0.0.1"), (writes, nanos) -> sleep(50), ConnectionObserver.NONE,
                PeerConnectionService.COMMIT_TIMEOUT);
        slowAlice.start();
        bob.start();
        try {
            // alice dials: bob is her contact, not a message request held to the request quota
            slowAlice.connect("127.0.0.1", bob.listenPort(), null);
            awaitConnected(bob, 1);
            String aliceId = alice.identity().peerId();
            int senders = 8;
            int each = 25;
            String filler = "x".repeat(60 * 1024);
            java.util.List<Thread> threads = new java.util.ArrayList<>();
            for (int t = 0; t < senders; t++) {
                int sender = t;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < each; i++) {
                        bob.send(aliceId, sender + ":" + i + ":" + filler);
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(60));
            }
            java.util.List<String> texts = new java.util.ArrayList<>();
            long cursor = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (texts.size() < senders * each && System.nanoTime() < deadline) {
                Inbox.Page page = slowAlice.inbox().poll(cursor, 100, null, Duration.ofSeconds(1));
                page.messages().forEach(m -> texts.add(m.text().substring(0, m.text().indexOf(':', 2))));
                cursor = page.nextCursor();
            }
            assertThat(texts).hasSize(senders * each).doesNotHaveDuplicates();
            for (int t = 0; t < senders; t++) {
                String prefix = t + ":";
                assertThat(texts.stream().filter(x -> x.startsWith(prefix)).toList()).as("sender %d's order", t)
                        .isEqualTo(java.util.stream.IntStream.range(0, each).mapToObj(i -> prefix + i).toList());
            }
            awaitUnacknowledged(bob, aliceId, 0);
        } finally {
            slowAlice.stop();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void connectingTwiceGivesBackTheExistingConnection() throws Exception {
        alice.start();
        bob.start();
        assertThat(bob.connect("127.0.0.1", alice.listenPort(), null).created()).isTrue();
        PeerConnectionService.Connected again = bob.connect("127.0.0.1", alice.listenPort(), null);
        assertThat(again.created()).isFalse();
        assertThat(again.peer().state()).isEqualTo(PeerState.CONNECTED);
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

        StoredMessage queued = bob.send(aliceId, "sent while you were away").message();
        assertThat(queued.status()).isEqualTo(MessageStatus.QUEUED);

        PeerConnectionService aliceAgain = new PeerConnectionService(alice.identity(),
                ConnectionSettings.forTests("127.0.0.1"), alice.store(), ConnectionObserver.NONE, Clock.systemUTC());
        aliceAgain.start();
        try {
            bob.connect("127.0.0.1", aliceAgain.listenPort(), null);
            Inbox.Page page = aliceAgain.inbox().poll(0, 10, null, Duration.ofSeconds(5));
            assertThat(page.messages()).extracting(StoredMessage::text).containsExactly("sent while you were away");
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
                .extracting(StoredMessage::text).containsExactly("one connection");
    }

    @Test
    void trafficFlowsAcrossKeyUpdatesBetweenServices() throws Exception {
        var tiny = new io.peerlink.wire.Limits(1 << 20, 65536, 2);
        PeerConnectionService a = new PeerConnectionService(alice.identity(),
                ConnectionSettings.forTests("127.0.0.1").withLimits(tiny), TestStores.fresh(),
                ConnectionObserver.NONE, Clock.systemUTC());
        PeerConnectionService b = new PeerConnectionService(bob.identity(),
                ConnectionSettings.forTests("127.0.0.1").withLimits(tiny), TestStores.fresh(),
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
        ConnectionSettings one = ConnectionSettings.forTests("127.0.0.1").withMaxConnections(1);
        PeerConnectionService small = new PeerConnectionService(alice.identity(), one,
                TestStores.fresh(), ConnectionObserver.NONE, Clock.systemUTC());
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

    @Test
    void aMessageGoesQueuedSentDeliveredAndTheAckMeansItIsStoredAtThePeer() throws Exception {
        alice.start();
        bob.start();
        bob.connect("127.0.0.1", alice.listenPort(), null);
        StoredMessage m = bob.send(null, "tick tick").message();
        awaitStatus(bob.store(), m.id(), MessageStatus.DELIVERED);
        StoredMessage delivered = bob.store().messages().find(m.id()).orElseThrow();
        assertThat(delivered.sentAt()).isNotNull();
        assertThat(delivered.deliveredAt()).isAfterOrEqualTo(delivered.sentAt());
        // DELIVERED only after the peer committed it: it is in the peer's store
        assertThat(alice.store().messages().find(m.id())).map(StoredMessage::text).contains("tick tick");
    }

    @Test
    void anIdRepeatedWithTheSameContentIsStoredAndSentOnceAndOtherContentIsRefused() throws Exception {
        alice.start();
        bob.start();
        bob.connect("127.0.0.1", alice.listenPort(), null);
        java.util.UUID id = java.util.UUID.randomUUID();
        assertThat(bob.send(null, "once", id).created()).isTrue();
        assertThat(bob.send(null, "once", id).created()).isFalse();
        assertThatThrownBy(() -> bob.send(null, "other", id))
                .isInstanceOf(PeerConnectionException.class)
                .extracting(e -> ((PeerConnectionException) e).kind())
                .isEqualTo(PeerConnectionException.Kind.ID_CONFLICT);
        awaitStatus(bob.store(), id, MessageStatus.DELIVERED);
        assertThat(alice.inbox().poll(0, 10, null, Duration.ZERO).messages()).extracting(StoredMessage::id)
                .containsExactly(id);
    }

    @Test
    void forgettingAPeerClosesItsConnectionAndFailsWhatWasNotDelivered() throws Exception {
        alice.start();
        bob.start();
        bob.connect("127.0.0.1", alice.listenPort(), null);
        String aliceId = alice.identity().peerId();
        alice.stop();
        awaitState(bob, aliceId, PeerState.DISCONNECTED);
        StoredMessage queued = bob.send(aliceId, "never delivered").message();
        assertThat(bob.forget(aliceId)).isTrue();
        assertThat(bob.peers()).isEmpty();
        StoredMessage failed = bob.store().messages().find(queued.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(MessageStatus.FAILED);
        assertThat(failed.failure()).isEqualTo(Store.FORGOTTEN);
        assertThatThrownBy(() -> bob.send(aliceId, "to a forgotten peer"))
                .extracting(e -> ((PeerConnectionException) e).kind())
                .isEqualTo(PeerConnectionException.Kind.UNKNOWN_PEER);
    }

    @Test
    void knownPeersAreListedAfterARestartAndADialledOneIsDialledAgainByItself() throws Exception {
        alice.start();
        bob.start();
        bob.connect("127.0.0.1", alice.listenPort(), null);
        String aliceId = alice.identity().peerId();
        bob.stop();
        awaitState(alice, bob.identity().peerId(), PeerState.DISCONNECTED);

        // bob again, on the same store: alice is known, and bob dials her without being asked
        PeerConnectionService bobAgain = new PeerConnectionService(bob.identity(),
                ConnectionSettings.forTests("127.0.0.1"), bob.store(), ConnectionObserver.NONE, Clock.systemUTC());
        bobAgain.start();
        try {
            assertThat(bobAgain.peers()).extracting(PeerView::peerId).containsExactly(aliceId);
            awaitState(bobAgain, aliceId, PeerState.CONNECTED);
            StoredMessage m = bobAgain.send(aliceId, "back again").message();
            awaitStatus(bobAgain.store(), m.id(), MessageStatus.DELIVERED);
        } finally {
            bobAgain.stop();
        }
    }

    @Test
    void aReconnectFromTheSameClientReplacesItsOldConnection() throws Exception {
        alice.start();
        bob.start();
        bob.connect("127.0.0.1", alice.listenPort(), null);
        awaitConnected(alice, 1);
        PeerConnection old = alice.connectionTo(bob.identity().peerId()).orElseThrow();
        // bob's side of the old connection is gone without alice noticing (as after a crash of bob);
        // bob, now a new process with the same identity, dials again
        PeerConnectionService bobAgain = new PeerConnectionService(bob.identity(),
                ConnectionSettings.forTests("127.0.0.1"), TestStores.fresh(), ConnectionObserver.NONE,
                Clock.systemUTC());
        bobAgain.start();
        try {
            assertThat(bobAgain.connect("127.0.0.1", alice.listenPort(), null).created()).isTrue();
            await(() -> !old.isOpen());
            assertThat(old.isOpen()).as("the old connection was replaced").isFalse();
            PeerConnection fresh = alice.connectionTo(bob.identity().peerId()).orElseThrow();
            assertThat(fresh).isNotSameAs(old);
            StoredMessage m = alice.send(bob.identity().peerId(), "to the new connection").message();
            awaitStatus(alice.store(), m.id(), MessageStatus.DELIVERED);
        } finally {
            bobAgain.stop();
        }
    }

    @Test
    void forgettingAConfiguredPeerStopsDiallingItUntilTheNextStart() throws Exception {
        alice.start();
        PeerConnectionService dialling = new PeerConnectionService(bob.identity(),
                ConnectionSettings.forTests("127.0.0.1").withConnect(java.util.List.of(
                        new DialTarget("127.0.0.1", alice.listenPort(), null))),
                TestStores.fresh(), ConnectionObserver.NONE, Clock.systemUTC());
        dialling.start();
        try {
            String aliceId = alice.identity().peerId();
            awaitState(dialling, aliceId, PeerState.CONNECTED);
            assertThat(dialling.forget(aliceId)).isTrue();
            // the re-dial back-off starts at 100 ms in these settings: a second long enough for many tries
            Thread.sleep(1000);
            assertThat(dialling.peer(aliceId)).as("not dialled again").isEmpty();
            assertThat(alice.peer(bob.identity().peerId()).map(PeerView::state)).contains(PeerState.DISCONNECTED);
        } finally {
            dialling.stop();
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
    public static void awaitConnected(PeerConnectionService service, int n) throws InterruptedException {
        await(() -> service.connectedCount() == n);
        assertThat(service.connectedCount()).isEqualTo(n);
    }

    static void awaitState(PeerConnectionService service, String peerId, PeerState state) throws InterruptedException {
        await(() -> service.peer(peerId).map(PeerView::state).orElse(null) == state);
        assertThat(service.peer(peerId).map(PeerView::state)).contains(state);
    }

    static void awaitUnacknowledged(PeerConnectionService service, String peerId, int n) throws InterruptedException {
        await(() -> service.store().messages().undeliveredCount(peerId) == n);
        assertThat(service.store().messages().undeliveredCount(peerId)).isEqualTo(n);
    }

    static void awaitStatus(Store store, java.util.UUID id, MessageStatus status) throws InterruptedException {
        await(() -> store.messages().find(id).map(StoredMessage::status).orElse(null) == status);
        assertThat(store.messages().find(id).map(StoredMessage::status)).contains(status);
    }

    /** Polls for up to 5 s; the caller asserts afterwards, so a time-out fails with the real value. */
    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
    }
}
