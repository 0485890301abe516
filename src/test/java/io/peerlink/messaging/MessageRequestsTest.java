package io.peerlink.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.store.Relation;
import io.peerlink.store.StoredMessage;
import io.peerlink.support.TestIdentities;
import io.peerlink.support.TestStores;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.transport.PeerConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Message requests, blocking and storage quotas between services over real loopback sockets. */
class MessageRequestsTest {

    private static final long LOTS = 1L << 40;
    private final List<PeerConnectionService> started = new ArrayList<>();

    private PeerConnectionService start(String name, Quotas quotas) throws Exception {
        return start(name, quotas, () -> LOTS, TestStores.fresh());
    }

    private PeerConnectionService start(String name, Quotas quotas, LongSupplier freeDisk,
            io.peerlink.store.Store store) throws Exception {
        PeerConnectionService s = new PeerConnectionService(TestIdentities.named(name),
                ConnectionSettings.forTests("127.0.0.1"), store, ConnectionObserver.NONE, Clock.systemUTC(), quotas,
                freeDisk);
        s.start();
        started.add(s);
        return s;
    }

    private static Quotas requests(int maxMessages, long maxBytes, long totalBytes) {
        return new Quotas(true, false, maxMessages, maxBytes, totalBytes, LOTS, 0);
    }

    @AfterEach
    void stopAll() {
        started.forEach(PeerConnectionService::stop);
    }

    @Test
    void aRequestKeepsAtMostItsQuotaAndAfterAcceptTheRestArriveOnceInOrder() throws Exception {
        PeerConnectionService alice = start("alice", requests(5, LOTS, LOTS));
        PeerConnectionService bob = start("bob", Quotas.DEFAULTS);
        String bobId = bob.identity().peerId();
        String aliceId = alice.identity().peerId();
        bob.connect("127.0.0.1", alice.listenPort(), null);
        List<String> sent = IntStream.range(0, 30).mapToObj(i -> "request " + i).toList();
        sent.forEach(t -> bob.send(aliceId, t));

        await(() -> texts(alice, bobId).size() == 5);
        Thread.sleep(1500); // bob keeps re-dialling meanwhile: still nothing more is stored
        assertThat(texts(alice, bobId)).containsExactlyElementsOf(sent.subList(0, 5));
        assertThat(alice.peer(bobId).orElseThrow().relation()).isEqualTo(Relation.REQUEST);
        assertThat(alice.store().events().after(0, 1000)).anyMatch(e -> "request".equals(e.detail())
                && bobId.equals(e.peerId()));
        // the 25 not stored, and any stored one whose ACK the close overtook (sent again, dropped as a copy)
        assertThat(bob.store().messages().undeliveredCount(aliceId)).as("bob keeps the rest")
                .isGreaterThanOrEqualTo(25);

        assertThat(alice.accept(bobId).relation()).isEqualTo(Relation.CONTACT);
        await(() -> texts(alice, bobId).size() >= 30 && bob.store().messages().undeliveredCount(aliceId) == 0);
        assertThat(texts(alice, bobId)).as("every message once, in order").containsExactlyElementsOf(sent);
    }

    @Test
    void theByteQuotasHoldPerRequestAndForAllRequestsTogether() throws Exception {
        PeerConnectionService alice = start("alice", requests(100, 800, 1000));
        PeerConnectionService bob = start("bob", Quotas.DEFAULTS);
        PeerConnectionService carol = start("carol", Quotas.DEFAULTS);
        String aliceId = alice.identity().peerId();
        bob.connect("127.0.0.1", alice.listenPort(), null);
        for (int i = 0; i < 4; i++) {
            bob.send(aliceId, ("b" + i).repeat(150)); // 300 bytes each: two fit in 800
        }
        await(() -> texts(alice, bob.identity().peerId()).size() == 2);
        carol.connect("127.0.0.1", alice.listenPort(), null);
        for (int i = 0; i < 3; i++) {
            carol.send(aliceId, ("c" + i).repeat(150));
        }
        await(() -> texts(alice, carol.identity().peerId()).size() == 1);
        Thread.sleep(1500);
        assertThat(texts(alice, bob.identity().peerId())).hasSize(2);
        assertThat(texts(alice, carol.identity().peerId())).as("600 + 300 of 1000 bytes for all requests").hasSize(1);
    }

    @Test
    void aBlockedPeerIsClosedAndNothingItSendsIsStoredAlsoAfterForgettingAndARestart() throws Exception {
        io.peerlink.store.Store aliceStore = TestStores.fresh();
        PeerConnectionService alice = start("alice", requests(20, LOTS, LOTS), () -> LOTS, aliceStore);
        PeerConnectionService bob = start("bob", Quotas.DEFAULTS);
        String bobId = bob.identity().peerId();
        String aliceId = alice.identity().peerId();
        bob.connect("127.0.0.1", alice.listenPort(), null);
        bob.send(aliceId, "before the block");
        await(() -> texts(alice, bobId).size() == 1);

        assertThat(alice.block(bobId).relation()).isEqualTo(Relation.BLOCKED);
        await(() -> alice.connectedCount() == 0);
        bob.send(aliceId, "after the block");
        Thread.sleep(2500); // bob re-dials: each connection is closed after its handshake
        assertThat(texts(alice, bobId)).containsExactly("before the block");
        assertThat(bob.store().messages().undeliveredCount(aliceId)).isEqualTo(1);
        assertThatThrownBy(() -> alice.accept(bobId)).isInstanceOf(PeerConnectionException.class)
                .extracting(e -> ((PeerConnectionException) e).kind()).isEqualTo(PeerConnectionException.Kind.RELATION);

        assertThat(alice.forget(bobId)).isTrue();
        alice.stop();
        PeerConnectionService again = start("alice", requests(20, LOTS, LOTS), () -> LOTS, aliceStore);
        try {
            bob.connect("127.0.0.1", again.listenPort(), null);
        } catch (PeerConnectionException e) {
            // refused right after the handshake: bob may or may not have seen the connection up
        }
        Thread.sleep(1500);
        // still only the message from before the block: its row stays, its text erased by the forget
        assertThat(texts(again, bobId)).containsExactly("");
        assertThat(again.connectedCount()).isZero();
        assertThat(bob.store().messages().undeliveredCount(aliceId)).isEqualTo(1);
    }

    @Test
    void liftingABlockMakesARequestAndUnblockingANonBlockedPeerIsRefused() throws Exception {
        PeerConnectionService alice = start("alice", requests(20, LOTS, LOTS));
        PeerConnectionService bob = start("bob", Quotas.DEFAULTS);
        String bobId = bob.identity().peerId();
        bob.connect("127.0.0.1", alice.listenPort(), null);
        await(() -> alice.peer(bobId).isPresent());
        assertThatThrownBy(() -> alice.unblock(bobId)).isInstanceOf(PeerConnectionException.class)
                .extracting(e -> ((PeerConnectionException) e).kind()).isEqualTo(PeerConnectionException.Kind.RELATION);
        alice.block(bobId);
        assertThat(alice.unblock(bobId).relation()).isEqualTo(Relation.REQUEST);
        assertThatThrownBy(() -> alice.accept("0".repeat(64))).isInstanceOf(PeerConnectionException.class)
                .extracting(e -> ((PeerConnectionException) e).kind())
                .isEqualTo(PeerConnectionException.Kind.UNKNOWN_PEER);
    }

    @Test
    void withRequestsOffAnUnknownIdentityIsRefusedAfterTheHandshake() throws Exception {
        PeerConnectionService alice = start("alice", new Quotas(false, false, 20, LOTS, LOTS, LOTS, 0));
        PeerConnectionService bob = start("bob", Quotas.DEFAULTS);
        try {
            bob.connect("127.0.0.1", alice.listenPort(), null);
            bob.send(alice.identity().peerId(), "hello?");
        } catch (PeerConnectionException e) {
            // the connection may be gone before connect() looks at it
        }
        Thread.sleep(1000);
        assertThat(alice.peers()).isEmpty();
        assertThat(alice.inbox().poll(0, 10, null, Duration.ZERO).messages()).isEmpty();
    }

    @Test
    void aFreshPeerTakesItsFirstCallerAsContactAndTheNextAsRequest() throws Exception {
        PeerConnectionService alice = start("alice", Quotas.DEFAULTS);
        PeerConnectionService bob = start("bob", Quotas.DEFAULTS);
        PeerConnectionService carol = start("carol", Quotas.DEFAULTS);
        bob.connect("127.0.0.1", alice.listenPort(), null);
        carol.connect("127.0.0.1", alice.listenPort(), null);
        await(() -> alice.peers().size() == 2);
        assertThat(alice.peer(bob.identity().peerId()).orElseThrow().relation()).isEqualTo(Relation.CONTACT);
        assertThat(alice.peer(carol.identity().peerId()).orElseThrow().relation()).isEqualTo(Relation.REQUEST);
        assertThat(bob.peer(alice.identity().peerId()).orElseThrow().relation()).as("dialled").isEqualTo(Relation.CONTACT);
    }

    @Test
    void aContactGetsNoMoreThanItsStorageQuota() throws Exception {
        PeerConnectionService alice = start("alice", new Quotas(true, false, 20, LOTS, LOTS, 1000, 0));
        PeerConnectionService bob = start("bob", Quotas.DEFAULTS);
        String bobId = bob.identity().peerId();
        alice.connect("127.0.0.1", bob.listenPort(), null); // alice dialled: bob is her contact
        PeerConnectionServiceTest.awaitConnected(bob, 1);
        for (int i = 0; i < 5; i++) {
            bob.send(alice.identity().peerId(), ("q" + i).repeat(150));
        }
        await(() -> texts(alice, bobId).size() == 3);
        Thread.sleep(1500);
        assertThat(texts(alice, bobId)).as("3 x 300 of 1000 bytes").hasSize(3);
        assertThat(bob.store().messages().undeliveredCount(alice.identity().peerId())).isEqualTo(2);
    }

    @Test
    void underTheFreeDiskMinimumNothingIsAcknowledgedUntilSpaceComesBack() throws Exception {
        AtomicLong free = new AtomicLong(10);
        PeerConnectionService alice = start("alice", new Quotas(true, false, 20, LOTS, LOTS, LOTS, 100), free::get,
                TestStores.fresh());
        PeerConnectionService bob = start("bob", Quotas.DEFAULTS);
        String bobId = bob.identity().peerId();
        String aliceId = alice.identity().peerId();
        alice.connect("127.0.0.1", bob.listenPort(), null);
        PeerConnectionServiceTest.awaitConnected(bob, 1);
        for (int i = 0; i < 3; i++) {
            bob.send(aliceId, "disk " + i);
        }
        Thread.sleep(1500);
        assertThat(texts(alice, bobId)).isEmpty();
        assertThat(bob.store().messages().undeliveredCount(aliceId)).isEqualTo(3);
        free.set(1000);
        await(() -> texts(alice, bobId).size() == 3 && bob.store().messages().undeliveredCount(aliceId) == 0);
        assertThat(texts(alice, bobId)).containsExactly("disk 0", "disk 1", "disk 2");
    }

    private static List<String> texts(PeerConnectionService s, String from) {
        try {
            return s.inbox().poll(0, 1000, from, Duration.ZERO).messages().stream().map(StoredMessage::text).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("condition within 20 s").isTrue();
    }
}
