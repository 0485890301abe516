package io.peerlink.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.peerlink.datadir.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * peerlink's durable store: one SQLite file ({@value #FILE_NAME}) in the data directory, WAL journal,
 * {@code synchronous=FULL} (a commit survives power loss), foreign keys on, {@code secure_delete} on,
 * schema through Flyway ({@code db/migration}). Reads go straight to the repositories (pooled
 * connections); every write is one task of the group-committing {@link StoreWriter}, which writes the
 * rows and the events they cause in one transaction on its own connection. A write's future completes
 * after the commit, never on the writer thread.
 *
 * <p>What is forgotten or pruned leaves no text behind: {@code secure_delete} overwrites deleted
 * content with zeros, and a {@code wal_checkpoint(TRUNCATE)} after the commit copies those zeros into
 * the database file and empties the write-ahead log, which would otherwise keep the older copies of
 * the pages (the text as it was inserted) until it is overwritten, possibly much later.
 *
 * <p>Plain Java: Spring wiring and tests build it the same way. Thread-safe.
 */
public final class Store implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Store.class);

    public static final String FILE_NAME = "peerlink.db";
    /** Failure text of messages to a forgotten peer. */
    public static final String FORGOTTEN = "peer forgotten before delivery";
    /** Failure text of messages that outlived {@code peerlink.message-ttl}. */
    public static final String EXPIRED = "not delivered within the message TTL";

    private final MessageRepository messages;
    private final PeerRepository peers;
    private final EventRepository events;
    private final GrantRepository grants;
    private final ChangeSignal changes = new ChangeSignal();
    /** The SQLite files besides the database: its write-ahead log and the log's index. */
    static final List<String> LOG_FILES = List.of("-wal", "-shm");

    private final StoreWriter writer;
    /** Outbound messages whose DELIVERED write is submitted and has not run yet ({@link #markSent}). */
    private final Set<UUID> deliveryQueued = ConcurrentHashMap.newKeySet();
    /** The time of each SENT left to the queued DELIVERED write, until that write completes. */
    private final Map<UUID, Instant> sentNotWritten = new ConcurrentHashMap<>();
    private final Clock clock;
    private final CommitObserver observer;
    /** Empties the write-ahead log; runs on the writer thread after a commit that deleted or erased rows. */
    private final Runnable checkpoint;

    /** A store on {@code dataSource}, whose schema must be migrated ({@link #migrate}). */
    public Store(DataSource dataSource, Clock clock) {
        this(dataSource, clock, CommitObserver.NONE);
    }

    /**
     * As {@link #Store(DataSource, Clock)}, reporting every commit to {@code observer}. The writer
     * takes one connection of {@code dataSource} for as long as the store is open.
     */
    public Store(DataSource dataSource, Clock clock, CommitObserver observer) {
        WriterConnection writes;
        try {
            writes = new WriterConnection(dataSource.getConnection());
        } catch (SQLException e) {
            throw new DataAccessResourceFailureException("Cannot open the store writer's connection", e);
        }
        // reads on the pool's other connections, their statements kept; writes on the writer's own
        JdbcClient reads = JdbcClient.create(new StatementCachingDataSource(dataSource));
        this.messages = new MessageRepository(reads, writes);
        this.peers = new PeerRepository(reads, writes);
        this.events = new EventRepository(reads, writes);
        this.grants = new GrantRepository(reads, writes);
        this.clock = clock;
        this.observer = observer;
        this.writer = new StoreWriter(writes, changes::changed, observer);
        this.checkpoint = () -> truncateLog(writes);
    }

    /**
     * A pooled data source on {@code dataDir/peerlink.db}. Creates the directory (0700) and the file
     * (0600) if needed; an existing directory, database, {@code -wal} or {@code -shm} file open to
     * other users is made private, or the start is refused when that is not possible
     * ({@link PrivateFiles}). SQLite gives the {@code -wal} and {@code -shm} files it creates the
     * database file's mode.
     */
    public static HikariDataSource openSqlite(Path dataDir) throws IOException {
        PrivateFiles.directory(dataDir);
        PrivateFiles.file(dataDir.resolve(FILE_NAME));
        for (String log : LOG_FILES) {
            PrivateFiles.existing(dataDir.resolve(FILE_NAME + log));
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout(10_000);
        // deleted rows are overwritten with zeros, not left in free space (see the class javadoc)
        config.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
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

    public GrantRepository grants() {
        return grants;
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
     *
     * <p>When the message's DELIVERED write is already queued behind this one (the writer lags the
     * ACKs, as while a backlog drains), the row is not rewritten twice: this write only notes the sent
     * time, and the DELIVERED write sets the status and that time in one UPDATE and appends the SENT
     * event before its own, in the same transaction. An UPDATE rewrites the whole row, text included
     * (SQLite rewrites a record whose size changes), so for a 60 KiB message each skipped one saves a
     * 60 KiB rewrite; the row, its times and its events come out the same. Should that DELIVERED
     * write change nothing (an ACK from another peer), it applies the SENT it stood for.
     */
    public CompletableFuture<Optional<StoredMessage>> markSent(UUID id) {
        return writer.submitDeferrable(() -> {
            Instant now = clock.instant();
            if (deliveryQueued.contains(id)) {
                // the store keeps milliseconds: the same time as the row will hold
                Instant at = Instant.ofEpochMilli(now.toEpochMilli());
                Optional<StoredMessage> queued = messages.findQueuedForWrite(id);
                queued.ifPresent(m -> sentNotWritten.put(id, at));
                return queued.map(m -> sent(m, at));
            }
            Optional<StoredMessage> changed = messages.markSent(id, now);
            changed.ifPresent(m -> events.statusChanged(m, now));
            return changed;
        });
    }

    private static StoredMessage sent(StoredMessage m, Instant at) {
        return new StoredMessage(m.cursor(), m.id(), m.peerId(), m.direction(), m.text(), MessageStatus.SENT,
                m.createdAt(), at, null, null, null, null);
    }

    /**
     * QUEUED or SENT → DELIVERED, for the recipient's ACK. Like {@link #markSent}, it may be committed
     * a few milliseconds later, together with the next write.
     */
    public CompletableFuture<Optional<StoredMessage>> markDelivered(String peerId, UUID id) {
        deliveryQueued.add(id);
        CompletableFuture<Optional<StoredMessage>> write;
        try {
            write = writer.submitDeferrable(() -> {
                deliveryQueued.remove(id);
                Instant now = clock.instant();
                // kept until the write completes: a batch that rolls back runs this again
                Instant sentAt = sentNotWritten.get(id);
                if (sentAt == null) {
                    Optional<StoredMessage> changed = messages.markDelivered(peerId, id, now);
                    changed.ifPresent(m -> events.statusChanged(m, now));
                    return changed;
                }
                // the SENT that markSent left to this write
                Optional<StoredMessage> changed = messages.markDelivered(peerId, id, now, sentAt);
                if (changed.isEmpty()) {
                    messages.markSent(id, sentAt).ifPresent(m -> events.statusChanged(m, sentAt));
                    return changed;
                }
                events.statusChanged(sent(changed.get(), sentAt), sentAt);
                events.statusChanged(changed.get(), now);
                return changed;
            });
        } catch (RuntimeException e) {
            deliveryQueued.remove(id);
            throw e;
        }
        return write.whenComplete((changed, failure) -> {
            sentNotWritten.remove(id);
            if (changed != null) {
                changed.ifPresent(m -> observe(() -> observer.delivered(
                        m.deliveredAt().toEpochMilli() - m.createdAt().toEpochMilli())));
            }
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

    /**
     * Stores a new one-time grant ({@code tokenHash}, the SHA-256 of its token) that expires after
     * {@code lifetime}; its expiry, or empty when {@code maxOpen} grants are open already (nothing stored).
     */
    public CompletableFuture<Optional<Instant>> createGrant(byte[] tokenHash, Duration lifetime, int maxOpen) {
        byte[] hash = tokenHash.clone();
        return writer.submit(() -> {
            Instant now = clock.instant();
            if (grants.countOpenForWrite(now) >= maxOpen) {
                return Optional.<Instant>empty();
            }
            Instant expiresAt = now.plus(lifetime);
            grants.insert(hash, now, expiresAt);
            return Optional.of(expiresAt);
        });
    }

    /**
     * {@code peerId} presented the grant whose token hashes to {@code tokenHash}. A message request
     * with an open grant becomes a CONTACT and the grant is used, in this one commit, with a
     * {@code granted} peer event; otherwise nothing changes but the event that says why
     * ({@code grant-refused:used}, {@code :expired} or {@code :unknown}). A peer that is not a request
     * (already a contact) leaves the grant unused.
     */
    public CompletableFuture<Redemption> redeemGrant(String peerId, byte[] tokenHash) {
        byte[] hash = tokenHash.clone();
        return writer.submit(() -> {
            Instant now = clock.instant();
            Optional<StoredPeer> peer = peers.findForWrite(peerId);
            if (peer.isEmpty() || peer.get().relation() != Relation.REQUEST) {
                return Redemption.NOT_NEEDED;
            }
            Optional<GrantRepository.Row> grant = grants.findForWrite(hash);
            Redemption outcome;
            if (grant.isEmpty()) {
                outcome = Redemption.UNKNOWN;
            } else if (grant.get().usedAt() != null) {
                outcome = Redemption.USED;
            } else if (!grant.get().expiresAt().isAfter(now)) {
                outcome = Redemption.EXPIRED;
            } else if (!grants.markUsed(hash, peerId, now)) {
                outcome = Redemption.USED;
            } else {
                peers.setRelation(peerId, Relation.CONTACT);
                events.peer(peerId, "granted", now);
                return Redemption.GRANTED;
            }
            events.peer(peerId, "grant-refused:" + outcome.name().toLowerCase(java.util.Locale.ROOT), now);
            return outcome;
        });
    }

    /**
     * The peer closed this peer's connection with a close code that says it takes nothing more from
     * it for now ({@code code}, e.g. REQUEST_QUOTA): a {@code refused:<code>} peer event.
     */
    public CompletableFuture<Void> refusedBy(String peerId, String code) {
        return writer.submit(() -> {
            events.peer(peerId, "refused:" + code, clock.instant());
            return null;
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
     * Forgets the peer, fails its undelivered messages and erases the text of every message exchanged
     * with it (their ids, statuses and times stay); false when it was not known. After the commit the
     * write-ahead log is checkpointed and emptied, so that no text of the conversation is left in the
     * database file or its log (see the class javadoc). The addresses where it answered may then
     * answer with another identity on first use, unless it was ever VERIFIED (even if CHANGED since):
     * then only an explicit pin accepts another identity there.
     */
    public CompletableFuture<Boolean> forgetPeer(String peerId) {
        // set on the writer thread by the task, read there after its commit
        boolean[] forgotten = new boolean[1];
        return writer.submit(() -> {
            forgotten[0] = false;
            Instant now = clock.instant();
            // verified once (also if CHANGED since): its addresses stay guarded
            boolean verified = peers.findForWrite(peerId).map(p -> p.verifiedAt() != null).orElse(false);
            if (!peers.forget(peerId, now)) {
                return new Forgotten(false, 0);
            }
            if (!verified) {
                peers.unbind(peerId);
            }
            List<StoredMessage> failed = messages.failUndelivered(peerId, FORGOTTEN, now);
            for (StoredMessage m : failed) {
                events.statusChanged(m, now);
            }
            messages.eraseTexts(peerId);
            events.peer(peerId, "forgotten", now);
            forgotten[0] = true;
            return new Forgotten(true, failed.size());
        }, () -> {
            if (forgotten[0]) {
                checkpoint.run();
            }
        }).thenApply(result -> {
            if (result.failed() > 0) {
                observe(() -> observer.failed(CommitObserver.FAILED_FORGOTTEN, result.failed()));
            }
            return result.known();
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
            Optional<StoredPeer> p = peers.findForWrite(peerId);
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
        }).whenComplete((expired, failure) -> {
            if (expired != null && expired > 0) {
                observe(() -> observer.failed(CommitObserver.FAILED_TTL, expired));
            }
        });
    }

    /**
     * Deletes messages and events older than {@code retention} (undelivered messages stay), and invite
     * grants that expired longer ago than that (used or not). A message's
     * age counts from when this peer received it, or accepted it for sending, never from the sender's
     * {@code sentAt}. When it removed anything, the write-ahead log is checkpointed and emptied after
     * the commit (see the class javadoc).
     */
    public CompletableFuture<Integer> prune(Duration retention) {
        // set on the writer thread by the task, read there after its commit
        int[] deleted = new int[1];
        return writer.submit(() -> {
            Instant cutoff = clock.instant().minus(retention);
            int removed = messages.deleteOlderThan(cutoff);
            deleted[0] = removed + events.deleteOlderThan(cutoff) + grants.deleteExpiredBefore(cutoff);
            return removed;
        }, () -> {
            if (deleted[0] > 0) {
                checkpoint.run();
            }
        });
    }

    /**
     * Copies every page of the write-ahead log into the database file and truncates the log to zero
     * bytes. It waits (busy timeout) for readers that still use older pages; when it cannot finish,
     * the next forget or prune tries again, and SQLite's own checkpoints overwrite the log over time.
     */
    private static void truncateLog(WriterConnection writes) {
        if (!writes.checkpointTruncate()) {
            log.warn("The write-ahead log could not be emptied after a delete (readers kept it busy); it is tried "
                    + "again after the next forget or prune");
        }
    }

    /** Commits what is queued and stops writing; the data source stays the caller's. */
    @Override
    public void close() {
        writer.close();
    }

    /** Tells the observer of a committed change; its fault never fails the write. */
    private static void observe(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("The commit observer failed: {}", e.toString());
        }
    }

    /** What {@link #forgetPeer} did: whether the peer was known, and how many messages it failed. */
    private record Forgotten(boolean known, int failed) {
    }

    /** What {@link #redeemGrant} did. */
    public enum Redemption {
        /** The grant was open: it is used now, and the peer is a CONTACT. */
        GRANTED,
        /** The grant was used before (by this peer or another): the peer stays a request. */
        USED,
        /** The grant expired: the peer stays a request. */
        EXPIRED,
        /** No grant has that token: the peer stays a request. */
        UNKNOWN,
        /** The peer is not a request (a contact already): nothing changed, the grant stays open. */
        NOT_NEEDED
    }

    /** What {@link #acceptOutbound} did: the stored message, and whether this call created it. */
    public record Accepted(StoredMessage message, boolean created) {
    }
}
