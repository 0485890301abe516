package io.peerlink.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * peerlink's durable store: one SQLite file ({@value #FILE_NAME}) in the data directory, WAL journal,
 * {@code synchronous=FULL} (a commit survives power loss), foreign keys on, schema through Flyway
 * ({@code db/migration}). Reads go straight to the repositories; every write is one task of the
 * group-committing {@link StoreWriter}, which writes the rows and the events they cause in one
 * transaction. A write's future completes after the commit.
 *
 * <p>Plain Java: Spring wiring and tests build it the same way. Thread-safe.
 */
public final class Store implements AutoCloseable {

    public static final String FILE_NAME = "peerlink.db";
    /** Failure text of messages to a forgotten peer. */
    public static final String FORGOTTEN = "peer forgotten before delivery";
    /** Failure text of messages that outlived {@code peerlink.message-ttl}. */
    public static final String EXPIRED = "not delivered within the message TTL";

    private final MessageRepository messages;
    private final PeerRepository peers;
    private final EventRepository events;
    private final ChangeSignal changes = new ChangeSignal();
    private final StoreWriter writer;
    private final Clock clock;

    /** A store on {@code dataSource}, whose schema must be migrated ({@link #migrate}). */
    public Store(DataSource dataSource, Clock clock) {
        this(dataSource, clock, CommitObserver.NONE);
    }

    /** As {@link #Store(DataSource, Clock)}, reporting every commit to {@code observer}. */
    public Store(DataSource dataSource, Clock clock, CommitObserver observer) {
        // the repositories and the writer's transactions on the same data source: writes inside a
        // transaction use its connection
        DataSource statements = new StatementCachingDataSource(dataSource);
        JdbcClient jdbc = JdbcClient.create(statements);
        this.messages = new MessageRepository(jdbc);
        this.peers = new PeerRepository(jdbc);
        this.events = new EventRepository(jdbc);
        this.clock = clock;
        this.writer = new StoreWriter(new TransactionTemplate(new DataSourceTransactionManager(statements)),
                changes::changed, observer);
    }

    /** A pooled data source on {@code dataDir/peerlink.db}, creating the directory if needed. */
    public static HikariDataSource openSqlite(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        createPrivate(dataDir.resolve(FILE_NAME));
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(10_000);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + dataDir.resolve(FILE_NAME).toAbsolutePath());
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(sqlite);
        pool.setPoolName("peerlink-store");
        // one connection writes (the StoreWriter), the others read: WAL lets readers run beside it
        pool.setMaximumPoolSize(6);
        pool.setMinimumIdle(1);
        return new HikariDataSource(pool);
    }

    /**
     * Creates the database file readable by its owner only (it holds every message in plaintext);
     * SQLite gives its -wal and -shm files the same mode. An existing file is left as it is.
     */
    private static void createPrivate(Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
    }

    /** Brings the schema up to date (an empty database or one of an earlier version). */
    public static void migrate(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    }

    public MessageRepository messages() {
        return messages;
    }

    public PeerRepository peers() {
        return peers;
    }

    public EventRepository events() {
        return events;
    }

    /** Signalled after every commit. */
    public ChangeSignal changes() {
        return changes;
    }

    // ------------------------------------------------------------------ writes

    /** Stores a new QUEUED message, or gives back the one stored before under {@code id}. */
    public CompletableFuture<Accepted> acceptOutbound(UUID id, String peerId, String text) {
        return writer.submit(() -> {
            Instant now = clock.instant();
            MessageRepository.Insert insert = messages.insertOutbound(id, peerId, text, now);
            if (insert.created()) {
                events.statusChanged(insert.message(), now);
            }
            return new Accepted(insert.message(), insert.created());
        });
    }

    /** Stores an inbound message; empty when it is a copy of one stored before. */
    public CompletableFuture<Optional<StoredMessage>> storeInbound(String peerId, UUID id, String text,
            Instant sentAt) {
        return writer.submit(() -> {
            Instant now = clock.instant();
            Optional<StoredMessage> stored = messages.insertInbound(peerId, id, text, sentAt, now);
            stored.ifPresent(m -> events.messageStored(m, now));
            return stored;
        });
    }

    /**
     * QUEUED → SENT. Nobody needs to wait for it: it may be committed up to a few milliseconds later,
     * together with the next write.
     */
    public CompletableFuture<Optional<StoredMessage>> markSent(UUID id) {
        return writer.submitDeferrable(() -> {
            Instant now = clock.instant();
            Optional<StoredMessage> changed = messages.markSent(id, now);
            changed.ifPresent(m -> events.statusChanged(m, now));
            return changed;
        });
    }

    /**
     * QUEUED or SENT → DELIVERED, for the recipient's ACK. Like {@link #markSent}, it may be committed
     * a few milliseconds later, together with the next write.
     */
    public CompletableFuture<Optional<StoredMessage>> markDelivered(String peerId, UUID id) {
        return writer.submitDeferrable(() -> {
            Instant now = clock.instant();
            Optional<StoredMessage> changed = messages.markDelivered(peerId, id, now);
            changed.ifPresent(m -> events.statusChanged(m, now));
            return changed;
        });
    }

    /**
     * A handshake with a contact succeeded; {@code dialAddress} when this peer dialled it.
     */
    public CompletableFuture<Void> peerConnected(String peerId, byte[] publicKey, String dialAddress) {
        return peerConnected(peerId, publicKey, dialAddress, Relation.CONTACT, false);
    }

    /**
     * A handshake with the peer succeeded; {@code dialAddress} when this peer dialled it. The peer's
     * relation becomes {@code relation}; {@code newRequest} records a {@code request} peer event
     * before the {@code connected} one (a stranger's first connection).
     */
    public CompletableFuture<Void> peerConnected(String peerId, byte[] publicKey, String dialAddress,
            Relation relation, boolean newRequest) {
        return writer.submit(() -> {
            Instant now = clock.instant();
            peers.seen(peerId, publicKey, dialAddress, relation, now);
            if (newRequest) {
                events.peer(peerId, "request", now);
            }
            events.peer(peerId, "connected", now);
            return null;
        });
    }

    /** Sets a stored peer's relation, with a peer event named after it; false when no such peer is stored. */
    public CompletableFuture<Boolean> setRelation(String peerId, Relation relation, String event) {
        return writer.submit(() -> {
            if (!peers.setRelation(peerId, relation)) {
                return false;
            }
            events.peer(peerId, event, clock.instant());
            return true;
        });
    }

    public CompletableFuture<Void> peerDisconnected(String peerId) {
        return writer.submit(() -> {
            Instant now = clock.instant();
            peers.touch(peerId, now);
            events.peer(peerId, "disconnected", now);
            return null;
        });
    }

    /**
     * Forgets the peer and fails its undelivered messages; false when it was not known. The
     * addresses where it answered may then answer with another identity on first use, unless it was
     * ever VERIFIED (even if CHANGED since): then only an explicit pin accepts another identity there.
     */
    public CompletableFuture<Boolean> forgetPeer(String peerId) {
        return writer.submit(() -> {
            Instant now = clock.instant();
            // verified once (also if CHANGED since): its addresses stay guarded
            boolean verified = peers.find(peerId).map(p -> p.verifiedAt() != null).orElse(false);
            if (!peers.forget(peerId, now)) {
                return false;
            }
            if (!verified) {
                peers.unbind(peerId);
            }
            for (StoredMessage m : messages.failUndelivered(peerId, FORGOTTEN, now)) {
                events.statusChanged(m, now);
            }
            events.peer(peerId, "forgotten", now);
            return true;
        });
    }

    /** Sets or (null) clears a peer's alias; false when another peer has that alias. */
    public CompletableFuture<Boolean> setAlias(String peerId, String alias) {
        return writer.submit(() -> peers.setAlias(peerId, alias));
    }

    /** The user confirmed the peer's safety number. */
    public CompletableFuture<Void> verify(String peerId) {
        return writer.submit(() -> {
            peers.setTrust(peerId, Trust.VERIFIED, clock.instant());
            return null;
        });
    }

    /** Back to trust on first use. */
    public CompletableFuture<Void> unverify(String peerId) {
        return writer.submit(() -> {
            peers.setTrust(peerId, Trust.UNVERIFIED, null);
            return null;
        });
    }

    /**
     * Another identity answered at an address where {@code peerId} used to: marks it CHANGED and
     * records a {@code key-changed} peer event. False when it was CHANGED already (nothing recorded).
     */
    public CompletableFuture<Boolean> keyChanged(String peerId) {
        return writer.submit(() -> {
            Optional<StoredPeer> p = peers.find(peerId);
            if (p.isEmpty() || p.get().trust() == Trust.CHANGED) {
                return false;
            }
            peers.setTrust(peerId, Trust.CHANGED, p.get().verifiedAt());
            events.peer(peerId, "key-changed", clock.instant());
            return true;
        });
    }

    /** Fails undelivered messages older than {@code ttl}; returns how many. */
    public CompletableFuture<Integer> expire(Duration ttl) {
        return writer.submit(() -> {
            Instant now = clock.instant();
            List<StoredMessage> expired = messages.failExpired(now.minus(ttl), EXPIRED, now, 10_000);
            expired.forEach(m -> events.statusChanged(m, now));
            return expired.size();
        });
    }

    /** Deletes messages and events older than {@code retention} (undelivered messages stay). */
    public CompletableFuture<Integer> prune(Duration retention) {
        return writer.submit(() -> {
            Instant cutoff = clock.instant().minus(retention);
            int removed = messages.deleteOlderThan(cutoff);
            events.deleteOlderThan(cutoff);
            return removed;
        });
    }

    /** Commits what is queued and stops writing; the data source stays the caller's. */
    @Override
    public void close() {
        writer.close();
    }

    /** What {@link #acceptOutbound} did: the stored message, and whether this call created it. */
    public record Accepted(StoredMessage message, boolean created) {
    }
}
