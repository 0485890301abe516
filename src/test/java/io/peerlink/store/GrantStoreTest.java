package io.peerlink.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/** One-time invite grants in a real SQLite store: stored hashed, used once, expiring. */
class GrantStoreTest {

    private static final String STRANGER = "a".repeat(64);
    private static final String OTHER = "b".repeat(64);
    private static final String CONTACT = "c".repeat(64);
    private static final byte[] KEY = {1, 2, 3};
    private static final Duration WEEK = Duration.ofDays(7);

    @TempDir
    Path dir;

    private final MovingClock clock = new MovingClock();
    private HikariDataSource dataSource;
    private Store store;

    @BeforeEach
    void open() throws Exception {
        dataSource = Store.openSqlite(dir);
        Store.migrate(dataSource);
        store = new Store(dataSource, clock);
        store.peerConnected(STRANGER, KEY, null, Relation.REQUEST, true).join();
        store.peerConnected(OTHER, KEY, null, Relation.REQUEST, true).join();
        store.peerConnected(CONTACT, KEY, "127.0.0.2:5555").join();
    }

    @AfterEach
    void close() {
        store.close();
        dataSource.close();
    }

    @Test
    void storesOnlyTheHashOfTheTokenWithItsExpiry() throws Exception {
        byte[] token = "the token itself, never stored!".getBytes();
        Instant expiresAt = store.createGrant(sha256(token), WEEK, 10).join().orElseThrow();
        assertThat(expiresAt).isEqualTo(clock.instant().plus(WEEK));
        List<byte[]> stored = JdbcClient.create(dataSource).sql("SELECT token_hash FROM invite_grants")
                .query((rs, n) -> rs.getBytes(1)).list();
        assertThat(stored).hasSize(1);
        assertThat(stored.getFirst()).isEqualTo(sha256(token)).isNotEqualTo(token);
        assertThat(store.grants().countOpen(clock.instant())).isEqualTo(1);
    }

    @Test
    void anOpenGrantMakesTheRequestAContactInTheCommitThatUsesIt() {
        byte[] hash = grant();
        assertThat(store.redeemGrant(STRANGER, hash).join()).isEqualTo(Store.Redemption.GRANTED);
        assertThat(store.peers().find(STRANGER).orElseThrow().relation()).isEqualTo(Relation.CONTACT);
        assertThat(store.grants().countOpen(clock.instant())).isZero();
        assertThat(JdbcClient.create(dataSource).sql("SELECT used_by FROM invite_grants").query(String.class)
                .single()).isEqualTo(STRANGER);
        assertThat(peerEvents(STRANGER)).endsWith("granted");
    }

    @Test
    void aGrantWorksOnceASecondUseLeavesTheOtherARequest() {
        byte[] hash = grant();
        assertThat(store.redeemGrant(STRANGER, hash).join()).isEqualTo(Store.Redemption.GRANTED);
        assertThat(store.redeemGrant(OTHER, hash).join()).isEqualTo(Store.Redemption.USED);
        assertThat(store.peers().find(OTHER).orElseThrow().relation()).isEqualTo(Relation.REQUEST);
        assertThat(peerEvents(OTHER)).endsWith("grant-refused:used");
    }

    @Test
    void anExpiredGrantOrAnUnknownOneChangesNothingButSaysWhy() {
        byte[] hash = grant();
        clock.advance(WEEK);
        assertThat(store.redeemGrant(STRANGER, hash).join()).isEqualTo(Store.Redemption.EXPIRED);
        assertThat(store.redeemGrant(OTHER, sha256(new byte[] {9})).join()).isEqualTo(Store.Redemption.UNKNOWN);
        assertThat(store.peers().find(STRANGER).orElseThrow().relation()).isEqualTo(Relation.REQUEST);
        assertThat(store.peers().find(OTHER).orElseThrow().relation()).isEqualTo(Relation.REQUEST);
        assertThat(peerEvents(STRANGER)).endsWith("grant-refused:expired");
        assertThat(peerEvents(OTHER)).endsWith("grant-refused:unknown");
        assertThat(JdbcClient.create(dataSource).sql("SELECT count(*) FROM invite_grants WHERE used_at IS NOT NULL")
                .query(Integer.class).single()).isZero();
    }

    @Test
    void aContactPresentingAGrantLeavesItOpenForTheOneItWasMeantFor() {
        byte[] hash = grant();
        assertThat(store.redeemGrant(CONTACT, hash).join()).isEqualTo(Store.Redemption.NOT_NEEDED);
        assertThat(store.redeemGrant(STRANGER, hash).join()).isEqualTo(Store.Redemption.GRANTED);
    }

    @Test
    void refusesANewGrantWhileTheMostAreOpenAndCountsOnlyOpenOnes() {
        byte[] first = grant();
        grant();
        assertThat(store.createGrant(sha256(new byte[] {3}), WEEK, 2).join()).isEmpty();
        assertThat(store.grants().countOpen(clock.instant())).isEqualTo(2);
        // a used grant is no longer open: room for one more
        store.redeemGrant(STRANGER, first).join();
        assertThat(store.createGrant(sha256(new byte[] {3}), WEEK, 2).join()).isPresent();
    }

    @Test
    void pruningDeletesGrantsThatExpiredLongerAgoThanTheRetention() {
        grant();
        clock.advance(WEEK.plusDays(31));
        byte[] fresh = grant();
        store.prune(Duration.ofDays(30)).join();
        assertThat(JdbcClient.create(dataSource).sql("SELECT token_hash FROM invite_grants")
                .query((rs, n) -> rs.getBytes(1)).list()).singleElement().isEqualTo(fresh);
    }

    private int grants;

    private byte[] grant() {
        byte[] hash = sha256(new byte[] {(byte) 100, (byte) grants++});
        Optional<Instant> created = store.createGrant(hash, WEEK, 10).join();
        assertThat(created).isPresent();
        return hash;
    }

    private List<String> peerEvents(String peerId) {
        return store.events().after(0, 1000).stream().filter(e -> e.peerId().equals(peerId))
                .map(StoredEvent::detail).toList();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A clock the test moves forward. */
    private static final class MovingClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
