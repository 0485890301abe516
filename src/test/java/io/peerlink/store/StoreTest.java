package io.peerlink.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/** The store against a real SQLite file in a temporary directory: no mocks. */
class StoreTest {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final byte[] KEY = {1, 2, 3};

    @TempDir
    Path dir;

    private HikariDataSource dataSource;
    private Store store;

    @BeforeEach
    void open() throws Exception {
        dataSource = Store.openSqlite(dir);
        Store.migrate(dataSource);
        store = new Store(dataSource, Clock.systemUTC());
        store.peerConnected(A, KEY, "127.0.0.2:5555").join();
    }

    @AfterEach
    void close() {
        store.close();
        dataSource.close();
    }

    @Test
    void opensOneFileInTheDataDirectoryWithWalFullSyncAndForeignKeys() {
        assertThat(dir.resolve(Store.FILE_NAME)).isRegularFile();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        assertThat(jdbc.sql("PRAGMA journal_mode").query(String.class).single()).isEqualToIgnoringCase("wal");
        assertThat(jdbc.sql("PRAGMA synchronous").query(Integer.class).single()).isEqualTo(2); // FULL
        assertThat(jdbc.sql("PRAGMA foreign_keys").query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void theDatabaseAndItsLogAreReadableByTheOwnerOnly() throws Exception {
        store.acceptOutbound(UUID.randomUUID(), A, "private").join();
        for (String name : List.of(Store.FILE_NAME, Store.FILE_NAME + "-wal")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve(name)))).as(name).isEqualTo("rw-------");
        }
    }

    @Test
    void migrationRunsOnAnEmptyAndAgainOnAnExistingDatabaseKeepingItsRows() {
        store.acceptOutbound(UUID.randomUUID(), A, "kept").join();
        Store.migrate(dataSource); // already up to date: nothing changes
        assertThat(store.messages().undelivered(A, 10)).extracting(StoredMessage::text).containsExactly("kept");
        JdbcClient jdbc = JdbcClient.create(dataSource);
        assertThat(jdbc.sql("SELECT count(*) FROM flyway_schema_history WHERE success = 1").query(Integer.class)
                .single()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void findsAnInboundMessageByIdThroughAnIndexNotByReadingTheTable() throws Exception {
        List<String> plan = plan(MessageRepository.INBOUND_BY_ID, UUID.randomUUID().toString());
        assertThat(plan).anySatisfy(step -> assertThat(step).contains("USING INDEX messages_in_by_id"))
                .noneSatisfy(step -> assertThat(step).startsWith("SCAN messages"));
    }

    @Test
    void refusesAMessageForAPeerThatWasNeverStored() {
        CompletableFuture<Store.Accepted> f = store.acceptOutbound(UUID.randomUUID(), B, "to nobody");
        assertThat(f).failsWithin(Duration.ofSeconds(5));
    }

    @Test
    void outboundStatusesMoveForwardOnlyAndEachChangeIsAnEvent() {
        UUID id = UUID.randomUUID();
        Store.Accepted accepted = store.acceptOutbound(id, A, "hi").join();
        assertThat(accepted.created()).isTrue();
        assertThat(accepted.message().status()).isEqualTo(MessageStatus.QUEUED);

        assertThat(store.markSent(id).join()).map(StoredMessage::status).contains(MessageStatus.SENT);
        assertThat(store.markSent(id).join()).as("SENT twice is no change").isEmpty();
        assertThat(store.markDelivered(B, id).join()).as("an ACK from another peer").isEmpty();
        StoredMessage delivered = store.markDelivered(A, id).join().orElseThrow();
        assertThat(delivered.status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(delivered.sentAt()).isNotNull();
        assertThat(delivered.deliveredAt()).isNotNull();
        assertThat(store.markSent(id).join()).as("never backwards").isEmpty();
        assertThat(store.forgetPeer(A).join()).isTrue();
        assertThat(store.messages().find(id)).map(StoredMessage::status).contains(MessageStatus.DELIVERED);

        List<String> statusEvents = store.events().after(0, 100).stream()
                .filter(e -> e.type() == StoredEvent.Type.STATUS).map(StoredEvent::detail).toList();
        assertThat(statusEvents).containsExactly("QUEUED", "SENT", "DELIVERED");
    }

    @Test
    void theSameIdGivesBackTheStoredMessage() {
        UUID id = UUID.randomUUID();
        Store.Accepted first = store.acceptOutbound(id, A, "once").join();
        Store.Accepted again = store.acceptOutbound(id, A, "other text").join();
        assertThat(again.created()).isFalse();
        assertThat(again.message()).isEqualTo(first.message());
    }

    @Test
    void anInboundCopyIsDroppedBySenderAndIdAlsoAfterReopening() throws Exception {
        store.peerConnected(B, KEY, null).join();
        UUID id = UUID.randomUUID();
        Instant sentAt = Instant.parse("2026-12-01T10:00:00Z");
        Optional<StoredMessage> first = store.storeInbound(B, id, "hello", sentAt).join();
        assertThat(first).isPresent();
        assertThat(store.storeInbound(B, id, "hello", sentAt).join()).isEmpty();
        // the same id from another sender is another message
        assertThat(store.storeInbound(A, id, "hello", sentAt).join()).isPresent();

        close();
        open();
        assertThat(store.storeInbound(B, id, "hello", sentAt).join()).as("a copy after a restart").isEmpty();
        assertThat(store.messages().inboundAfter(0, 10, B)).extracting(StoredMessage::id).containsExactly(id);
    }

    @Test
    void cursorsKeepIncreasingAcrossReopeningAndPollsResumeWhereTheyStopped() throws Exception {
        store.peerConnected(B, KEY, null).join();
        List<Long> cursors = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            cursors.add(store.storeInbound(B, UUID.randomUUID(), "m" + i, Instant.now()).join().orElseThrow().cursor());
        }
        long saved = cursors.get(1);
        close();
        open();
        long next = store.storeInbound(B, UUID.randomUUID(), "after restart", Instant.now()).join().orElseThrow()
                .cursor();
        assertThat(next).isGreaterThan(cursors.get(2));
        assertThat(store.messages().inboundAfter(saved, 10, null)).extracting(StoredMessage::text)
                .containsExactly("m2", "after restart");
        assertThat(store.messages().lastCursor()).isEqualTo(next);
    }

    @Test
    void forgettingAPeerFailsItsUndeliveredMessagesOnly() {
        UUID queued = store.acceptOutbound(UUID.randomUUID(), A, "q").join().message().id();
        UUID sent = store.acceptOutbound(UUID.randomUUID(), A, "s").join().message().id();
        store.markSent(sent).join();
        assertThat(store.forgetPeer(A).join()).isTrue();
        assertThat(store.forgetPeer(A).join()).as("already forgotten").isFalse();
        for (UUID id : List.of(queued, sent)) {
            StoredMessage m = store.messages().find(id).orElseThrow();
            assertThat(m.status()).isEqualTo(MessageStatus.FAILED);
            assertThat(m.failure()).isEqualTo(Store.FORGOTTEN);
        }
        assertThat(store.peers().known()).isEmpty();
        // the peer connecting again makes it known again
        store.peerConnected(A, KEY, null).join();
        assertThat(store.peers().known()).extracting(StoredPeer::peerId).containsExactly(A);
    }

    @Test
    void expiresUndeliveredMessagesOlderThanTheTtl() {
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofDays(31)), ZoneOffset.UTC);
        try (Store old = new Store(dataSource, past)) {
            old.acceptOutbound(UUID.randomUUID(), A, "old").join();
        }
        UUID fresh = store.acceptOutbound(UUID.randomUUID(), A, "fresh").join().message().id();
        assertThat(store.expire(Duration.ofDays(30)).join()).isEqualTo(1);
        assertThat(store.messages().undelivered(A, 10)).extracting(StoredMessage::id).containsExactly(fresh);
    }

    @Test
    void conversationPagesBackNewestFirst() {
        store.peerConnected(B, KEY, null).join();
        List<Long> cursors = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            cursors.add(i % 2 == 0
                    ? store.acceptOutbound(UUID.randomUUID(), A, "out" + i).join().message().cursor()
                    : store.storeInbound(A, UUID.randomUUID(), "in" + i, Instant.now()).join().orElseThrow().cursor());
        }
        store.storeInbound(B, UUID.randomUUID(), "other conversation", Instant.now()).join();
        List<StoredMessage> page = store.messages().conversation(A, Long.MAX_VALUE, 3);
        assertThat(page).extracting(StoredMessage::text).containsExactly("out4", "in3", "out2");
        assertThat(store.messages().conversation(A, page.getLast().cursor(), 3)).extracting(StoredMessage::text)
                .containsExactly("in1", "out0");
    }

    @Test
    void groupCommitStoresEveryConcurrentWriteExactlyOnce() throws Exception {
        int threads = 8;
        int each = 250;
        List<Thread> senders = new ArrayList<>();
        List<CompletableFuture<Store.Accepted>> all = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            senders.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < each; i++) {
                    all.add(store.acceptOutbound(UUID.randomUUID(), A, "x"));
                }
            }));
        }
        for (Thread s : senders) {
            s.join();
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(store.messages().undeliveredCount(A)).isEqualTo(threads * each);
        assertThat(all.stream().map(f -> f.join().message().cursor()).distinct().count()).isEqualTo(threads * each);
    }

    @Test
    void aReaderWaitingForChangesIsWokenByACommit() throws Exception {
        long seen = store.changes().version();
        Thread.ofVirtual().start(() -> store.acceptOutbound(UUID.randomUUID(), A, "wake"));
        assertThat(store.changes().await(seen, Duration.ofSeconds(10))).isTrue();
        assertThat(Files.size(dir.resolve(Store.FILE_NAME))).isPositive();
    }

    @Test
    void everyCommitIsReportedWithItsWritesAndDurationAndTheWritesAddUp() throws Exception {
        List<long[]> commits = java.util.Collections.synchronizedList(new ArrayList<>());
        close();
        dataSource = Store.openSqlite(dir);
        store = new Store(dataSource, Clock.systemUTC(), (writes, nanos) -> commits.add(new long[] {writes, nanos}));
        store.peerConnected(A, KEY, "127.0.0.2:5555").join();
        assertThat(commits).hasSize(1);
        assertThat(commits.getFirst()[0]).isEqualTo(1);

        int threads = 8;
        int each = 100;
        List<CompletableFuture<Store.Accepted>> all = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            senders.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < each; i++) {
                    all.add(store.acceptOutbound(UUID.randomUUID(), A, "x"));
                }
            }));
        }
        for (Thread s : senders) {
            s.join();
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, java.util.concurrent.TimeUnit.SECONDS);
        // a failing write (unknown peer) is rolled back: no commit reported for it
        assertThat(store.acceptOutbound(UUID.randomUUID(), B, "to nobody")).failsWithin(Duration.ofSeconds(5));

        List<long[]> seen = List.copyOf(commits);
        assertThat(seen.stream().mapToLong(c -> c[0]).sum()).isEqualTo(1 + threads * each);
        assertThat(seen).allSatisfy(c -> {
            assertThat(c[0]).isBetween(1L, (long) StoreWriter.MAX_BATCH);
            assertThat(c[1]).isPositive();
        });
        assertThat(seen.size()).as("commits").isLessThanOrEqualTo(1 + threads * each);
    }

    @Test
    void findsAMessageByIdInEitherDirectionOutboundFirstAndByCursor() {
        store.peerConnected(B, KEY, null).join();
        UUID shared = UUID.randomUUID();
        StoredMessage in = store.storeInbound(B, shared, "from b", Instant.now()).join().orElseThrow();
        assertThat(store.messages().find(shared)).contains(in);
        StoredMessage out = store.acceptOutbound(shared, A, "to a").join().message();
        assertThat(store.messages().find(shared)).as("outbound first").contains(out);
        assertThat(store.messages().findByCursor(in.cursor())).contains(in);
        assertThat(store.messages().findByCursor(out.cursor())).contains(out);
        assertThat(store.messages().find(UUID.randomUUID())).isEmpty();
        assertThat(store.messages().findByCursor(out.cursor() + 100)).isEmpty();
    }

    @Test
    void retentionCountsFromWhenThisPeerReceivedAMessageNotFromTheSendersClock() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        store.peerConnected(B, KEY, null).join();
        try (Store timed = new Store(dataSource, clock)) {
            // the sender claims to have sent it ten years from now
            UUID future = timed.storeInbound(B, UUID.randomUUID(), "from the future",
                    clock.instant().plus(Duration.ofDays(3650))).join().orElseThrow().id();
            UUID delivered = timed.acceptOutbound(UUID.randomUUID(), B, "delivered").join().message().id();
            timed.markDelivered(B, delivered).join();
            clock.advance(Duration.ofDays(20));
            // the sender claims to have sent it long ago, but it arrived only now
            UUID late = timed.storeInbound(B, UUID.randomUUID(), "late", Instant.parse("2000-01-01T00:00:00Z"))
                    .join().orElseThrow().id();
            clock.advance(Duration.ofDays(11));

            assertThat(timed.prune(Duration.ofDays(30)).join()).isEqualTo(2);
            assertThat(store.messages().find(future)).as("received 31 days ago").isEmpty();
            assertThat(store.messages().find(delivered)).as("accepted 31 days ago").isEmpty();
            assertThat(store.messages().find(late)).as("received 11 days ago").isPresent();
        }
    }

    @Test
    void thePruneFindsOldMessagesThroughAnIndex() throws Exception {
        assertThat(plan(MessageRepository.DELETE_OLDER_THAN, 0L))
                .anySatisfy(step -> assertThat(step).contains("USING INDEX messages_kept_since"));
    }

    /**
     * SQLite's plan for {@code sql}, explained on a connection of its own: a pooled connection the
     * pool opened before (or while) the migrations ran may hold an older schema, and an EXPLAIN does
     * not check it as a real statement does, so it could explain the query without the indexes.
     */
    private List<String> plan(String sql, Object param) throws Exception {
        try (java.sql.Connection fresh = dataSource.getDataSource().getConnection()) {
            JdbcClient jdbc = JdbcClient.create(new SingleConnectionDataSource(fresh, true));
            return jdbc.sql("EXPLAIN QUERY PLAN " + sql).param(param).query((rs, n) -> rs.getString("detail")).list();
        }
    }

    @Test
    void forgettingAPeerLeavesNoneOfItsTextsInTheDatabaseFileOrItsLog() throws Exception {
        store.peerConnected(B, KEY, null).join();
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String in = "secret-from-b-" + i + "-" + UUID.randomUUID();
            String out = "secret-to-b-" + i + "-" + UUID.randomUUID();
            secrets.add(in);
            secrets.add(out);
            store.storeInbound(B, UUID.randomUUID(), in, Instant.now()).join();
            UUID id = store.acceptOutbound(UUID.randomUUID(), B, out).join().message().id();
            if (i % 2 == 0) {
                store.markDelivered(B, id).join();
            }
        }
        // one long enough to spill into overflow pages
        String big = "secret-big-" + UUID.randomUUID() + "x".repeat(60 * 1024);
        secrets.add(big.substring(0, 60));
        UUID bigId = store.storeInbound(B, UUID.randomUUID(), big, Instant.now()).join().orElseThrow().id();
        String kept = "kept-for-a-" + UUID.randomUUID();
        store.storeInbound(A, UUID.randomUUID(), kept, Instant.now()).join();
        byte[] before = databaseBytes();
        assertThat(contains(before, secrets.getFirst())).as("the texts are in the files before").isTrue();
        assertThat(contains(before, secrets.getLast())).isTrue();

        assertThat(store.forgetPeer(B).join()).isTrue();

        byte[] after = databaseBytes();
        for (String secret : secrets) {
            assertThat(contains(after, secret)).as(secret.substring(0, 20)).isFalse();
        }
        assertThat(contains(after, kept)).as("another peer's conversation stays").isTrue();
        assertThat(Files.size(dir.resolve(Store.FILE_NAME + "-wal"))).as("the log is emptied").isZero();
        // what became of each message can still be asked
        assertThat(store.messages().find(bigId)).map(StoredMessage::text).contains("");
        assertThat(store.messages().conversation(B, Long.MAX_VALUE, 100)).hasSize(41)
                .allSatisfy(m -> assertThat(m.text()).isEmpty());
    }

    @Test
    void pruningLeavesNoTextOfWhatItRemovedInTheDatabaseFileOrItsLog() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofDays(40)));
        String old = "old-secret-" + UUID.randomUUID();
        try (Store past = new Store(dataSource, clock)) {
            past.storeInbound(A, UUID.randomUUID(), old, Instant.now()).join();
        }
        String fresh = "fresh-" + UUID.randomUUID();
        store.storeInbound(A, UUID.randomUUID(), fresh, Instant.now()).join();
        assertThat(contains(databaseBytes(), old)).isTrue();

        assertThat(store.prune(Duration.ofDays(30)).join()).isEqualTo(1);

        byte[] after = databaseBytes();
        assertThat(contains(after, old)).isFalse();
        assertThat(contains(after, fresh)).isTrue();
    }

    @Test
    void runsWithSecureDeleteOnEveryConnection() {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        assertThat(jdbc.sql("PRAGMA secure_delete").query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void theDataDirectoryIsCreatedForItsOwnerOnly() throws Exception {
        Path fresh = dir.resolve("new/data");
        try (HikariDataSource created = Store.openSqlite(fresh)) {
            assertThat(mode(fresh)).isEqualTo("rwx------");
            assertThat(mode(fresh.resolve(Store.FILE_NAME))).isEqualTo("rw-------");
        }
    }

    @Test
    void filesOpenToOthersAreMadePrivateAtTheNextStart() throws Exception {
        store.acceptOutbound(UUID.randomUUID(), A, "private").join();
        close();
        for (String name : List.of("", "-wal", "-shm")) {
            Path file = dir.resolve(Store.FILE_NAME + name);
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        open();

        assertThat(mode(dir)).isEqualTo("rwx------");
        for (String name : List.of("", "-wal", "-shm")) {
            assertThat(mode(dir.resolve(Store.FILE_NAME + name))).as(Store.FILE_NAME + name).isEqualTo("rw-------");
        }
        assertThat(store.messages().undelivered(A, 10)).extracting(StoredMessage::text).containsExactly("private");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /** The raw bytes of the database file and of its write-ahead log, as anyone with a copy would see them. */
    private byte[] databaseBytes() throws Exception {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (String name : List.of(Store.FILE_NAME, Store.FILE_NAME + "-wal")) {
            Path file = dir.resolve(name);
            if (Files.exists(file)) {
                all.write(Files.readAllBytes(file));
            }
        }
        return all.toByteArray();
    }

    private static boolean contains(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** A clock the test moves forward. */
    @Test
    void aSentWriteWhoseDeliveryIsQueuedBehindItEndsAsTheTwoWritesDoAlone() throws Exception {
        GateClock clock = new GateClock();
        store.peerConnected(B, KEY, null).join();
        try (Store gated = new Store(dataSource, clock)) {
            UUID id = gated.acceptOutbound(UUID.randomUUID(), A, "x".repeat(60 * 1024)).join().message().id();
            UUID other = gated.acceptOutbound(UUID.randomUUID(), A, "other").join().message().id();
            clock.close();
            CompletableFuture<Optional<StoredMessage>> sent = gated.markSent(id);
            clock.awaitWaiting();
            // the writer is inside the SENT write: the ACKs' writes queue behind it (a writer that lags)
            CompletableFuture<Optional<StoredMessage>> delivered = gated.markDelivered(A, id);
            CompletableFuture<Optional<StoredMessage>> sentOther = gated.markSent(other);
            CompletableFuture<Optional<StoredMessage>> otherFromB = gated.markDelivered(B, other);
            clock.open();

            StoredMessage s = sent.get(5, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
            assertThat(s.status()).isEqualTo(MessageStatus.SENT);
            StoredMessage d = delivered.get(5, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
            assertThat(d.status()).isEqualTo(MessageStatus.DELIVERED);
            assertThat(d.sentAt()).as("the sent time of the SENT write").isEqualTo(s.sentAt());
            assertThat(d.text()).hasSize(60 * 1024);
            // an ACK from another peer changes nothing: the SENT it stood behind is still written
            assertThat(sentOther.get(5, java.util.concurrent.TimeUnit.SECONDS)).map(StoredMessage::status)
                    .contains(MessageStatus.SENT);
            assertThat(otherFromB.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
            assertThat(gated.messages().find(other)).map(StoredMessage::status).contains(MessageStatus.SENT);
            assertThat(gated.messages().find(id)).map(StoredMessage::status).contains(MessageStatus.DELIVERED);

            assertThat(gated.events().after(0, 100).stream().filter(e -> e.type() == StoredEvent.Type.STATUS)
                    .map(e -> e.messageId() + " " + e.detail()).toList()).containsExactly(
                            id + " QUEUED", other + " QUEUED", id + " SENT", id + " DELIVERED", other + " SENT");
        }
    }

    /** A clock that, once closed, makes the next caller wait until it is opened (the writer, here). */
    private static final class GateClock extends Clock {
        private final java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
        private volatile boolean closed;

        void close() {
            closed = true;
        }

        void awaitWaiting() throws InterruptedException {
            assertThat(waiting.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }

        void open() {
            opened.countDown();
        }

        @Override
        public Instant instant() {
            if (closed) {
                closed = false;
                waiting.countDown();
                try {
                    opened.await(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Instant.now();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
