package io.peerlink.store;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code invite_grants} table: the SHA-256 of each one-time grant token this peer gave out in an
 * invite, its expiry and, once used, when and by whom. Writes (and the reads a write decides by) run
 * only inside {@link StoreWriter} tasks, on the writer's connection.
 */
public final class GrantRepository {

    /** A stored grant as the writer sees it. */
    record Row(byte[] tokenHash, Instant expiresAt, Instant usedAt) {
    }

    private final JdbcClient jdbc;
    private final WriterConnection writes;

    GrantRepository(JdbcClient jdbc, WriterConnection writes) {
        this.jdbc = jdbc;
        this.writes = writes;
    }

    void insert(byte[] tokenHash, Instant createdAt, Instant expiresAt) {
        writes.update("INSERT INTO invite_grants (token_hash, created_at, expires_at) VALUES (?, ?, ?)", tokenHash,
                createdAt.toEpochMilli(), expiresAt.toEpochMilli());
    }

    /** Grants neither used nor expired at {@code now} (writer thread). */
    int countOpenForWrite(Instant now) {
        return writes.queryOne("SELECT count(*) FROM invite_grants WHERE used_at IS NULL AND expires_at > ?",
                (rs, n) -> rs.getInt(1), now.toEpochMilli()).orElse(0);
    }

    /**
     * The grant whose token hashes to {@code tokenHash}. The index finds the row by the hash; the hash
     * is then compared in constant time, so nothing about a stored hash leaks through how long the
     * comparison took (and the token itself is never stored).
     */
    Optional<Row> findForWrite(byte[] tokenHash) {
        return writes.queryOne("SELECT token_hash, expires_at, used_at FROM invite_grants WHERE token_hash = ?",
                (rs, n) -> new Row(rs.getBytes(1), Instant.ofEpochMilli(rs.getLong(2)),
                        MessageRepository.instant(rs, "used_at")), tokenHash)
                .filter(row -> MessageDigest.isEqual(row.tokenHash(), tokenHash));
    }

    /** Marks the grant used by {@code peerId}; false when it was used already. */
    boolean markUsed(byte[] tokenHash, String peerId, Instant now) {
        return writes.update("UPDATE invite_grants SET used_at = ?, used_by = ? WHERE token_hash = ? AND used_at IS NULL",
                now.toEpochMilli(), peerId, tokenHash) == 1;
    }

    /** Deletes grants that expired before {@code cutoff} (used or not). */
    int deleteExpiredBefore(Instant cutoff) {
        return writes.update("DELETE FROM invite_grants WHERE expires_at < ?", cutoff.toEpochMilli());
    }

    /** Grants neither used nor expired at {@code now}. */
    public int countOpen(Instant now) {
        return jdbc.sql("SELECT count(*) FROM invite_grants WHERE used_at IS NULL AND expires_at > ?")
                .param(now.toEpochMilli()).query(Integer.class).single();
    }
}
