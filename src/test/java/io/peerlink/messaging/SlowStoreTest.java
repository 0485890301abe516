package io.peerlink.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.peerlink.store.Store;
import io.peerlink.support.TestIdentities;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, proof 4: a store whose commits take 5 s holds up neither a new connection nor the list
 * of peers. The victim's store writer sleeps 5 s after each commit while {@link #slow} is set (its
 * commit observer runs on the writer thread before the writes' futures complete), so every write
 * queued meanwhile waits too.
 */
class SlowStoreTest {

    private static final Duration COMMIT = Duration.ofSeconds(5);

    private final AtomicBoolean slow = new AtomicBoolean();
    private final PeerConnectionService victim = new PeerConnectionService(TestIdentities.named("slow-victim"),
            ConnectionSettings.forTests("127.0.0.1"), slowStore(slow), ConnectionObserver.NONE, Clock.systemUTC());
    private final PeerConnectionService alice = PeerConnectionServiceTest.service("alice", "127.0.0.1");
    private final PeerConnectionService bob = PeerConnectionServiceTest.service("bob", "127.0.0.1");

    @AfterEach
    void stop() {
        slow.set(false);
        alice.stop();
        bob.stop();
        victim.stop();
    }

    @Test
    void aConnectionAttachesAndThePeerListAnswersWithinASecondWhileCommitsTakeFiveSeconds() throws Exception {
        victim.start();
        alice.start();
        bob.start();
        // bob was here before: a known peer, connected
        bob.connect("127.0.0.1", victim.listenPort(), null);
        PeerConnectionServiceTest.awaitConnected(victim, 1);

        slow.set(true);
        // a commit under way, and one queued behind it: 5 s each from here
        CompletableFuture<Integer> stalled = victim.store().expire(Duration.ofDays(1));
        CompletableFuture<Integer> queued = victim.store().expire(Duration.ofDays(1));
        Thread.sleep(100);

        long dialled = System.nanoTime();
        alice.connect("127.0.0.1", victim.listenPort(), null);
        String aliceId = alice.identity().peerId();
        while (victim.peer(aliceId).map(p -> p.state() != PeerState.CONNECTED).orElse(true)) {
            assertThat(Duration.ofNanos(System.nanoTime() - dialled)).as("alice attached at the victim")
                    .isLessThan(Duration.ofSeconds(1));
            Thread.sleep(10);
        }
        long listed = System.nanoTime();
        List<PeerView> peers = victim.peers();
        Duration listing = Duration.ofNanos(System.nanoTime() - listed);

        assertThat(stalled).as("the store's commit was still under way").isNotDone();
        assertThat(queued).isNotDone();
        assertThat(listing).as("GET /api/peers' call").isLessThan(Duration.ofSeconds(1));
        assertThat(peers).extracting(PeerView::peerId).contains(aliceId, bob.identity().peerId());
        assertThat(peers).extracting(PeerView::state).containsOnly(PeerState.CONNECTED);
        assertThat(Duration.ofNanos(System.nanoTime() - dialled)).isLessThan(COMMIT);
    }

    /** A migrated store whose writer takes {@link #COMMIT} after each commit while {@code slow} is set. */
    private static Store slowStore(AtomicBoolean slow) {
        try {
            Path dir = Files.createTempDirectory("peerlink-slow-store-");
            HikariDataSource dataSource = Store.openSqlite(dir);
            Store.migrate(dataSource);
            return new Store(dataSource, Clock.systemUTC(), (writes, nanos) -> {
                if (slow.get()) {
                    try {
                        Thread.sleep(COMMIT);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
