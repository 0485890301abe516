package io.peerlink.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code peers} table. Writes (and the reads a write decides by) run only inside
 * {@link StoreWriter} tasks, on the writer's connection; the public reads on any thread.
 */
public final class PeerRepository {

    private static final String COLUMNS = "peer_id, public_key, dial_address, first_seen, last_seen, forgotten_at, "
            + "alias, trust, verified_at, relation";
    private static final RowMapper<StoredPeer> ROW = PeerRepository::map;

    private static final String SEEN = "INSERT INTO peers (peer_id, public_key, dial_address, first_seen, last_seen, "
            + "relation) VALUES (?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (peer_id) DO UPDATE SET last_seen = excluded.last_seen, forgotten_at = NULL, "
            + "relation = excluded.relation, dial_address = coalesce(excluded.dial_address, "
            + "CASE WHEN peers.forgotten_at IS NULL THEN peers.dial_address END)";
    private static final String BIND = "INSERT INTO addresses (address, peer_id, first_seen, last_seen) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (address) DO UPDATE SET last_seen = excluded.last_seen, "
            + "first_seen = CASE WHEN addresses.peer_id = excluded.peer_id THEN addresses.first_seen "
            + "ELSE excluded.first_seen END, peer_id = excluded.peer_id";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM peers WHERE peer_id = ?";

    private final JdbcClient jdbc;
    private final WriterConnection writes;

    PeerRepository(JdbcClient jdbc, WriterConnection writes) {
        this.jdbc = jdbc;
        this.writes = writes;
    }

    /**
     * Records a handshake with {@code peerId}: inserts it, or updates {@code last_seen} and makes a
     * forgotten peer known again, with {@code relation}. {@code dialAddress} (when this peer dialled)
     * replaces the stored one.
     */
    void seen(String peerId, byte[] publicKey, String dialAddress, Relation relation, Instant now) {
        writes.update(SEEN, peerId, publicKey, dialAddress, now.toEpochMilli(), now.toEpochMilli(), relation.name());
        if (dialAddress != null) {
            // trust on first use: this identity answered at that address (a pinned dial may move it)
            writes.update(BIND, dialAddress, peerId, now.toEpochMilli(), now.toEpochMilli());
        }
    }

    /** The identity that answered at {@code address} when this peer last dialled it there. */
    public java.util.Optional<String> identityAt(String address) {
        return jdbc.sql("SELECT peer_id FROM addresses WHERE address = ?").param(address).query(String.class)
                .optional();
    }

    /** The addresses where {@code peerId} answered, most recent first. */
    public List<String> addresses(String peerId) {
        return jdbc.sql("SELECT address FROM addresses WHERE peer_id = ? ORDER BY last_seen DESC, address")
                .param(peerId).query(String.class).list();
    }

    public Optional<StoredPeer> findByAlias(String alias) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM peers WHERE alias = ? COLLATE NOCASE AND forgotten_at IS NULL")
                .param(alias).query(ROW).optional();
    }

    /** Sets or (null) clears the alias; false when another known peer has it already. */
    boolean setAlias(String peerId, String alias) {
        if (alias != null) {
            boolean taken = writes.queryOne("SELECT 1 FROM peers WHERE alias = ? COLLATE NOCASE AND peer_id <> ?",
                    (rs, n) -> true, alias, peerId).isPresent();
            if (taken) {
                return false;
            }
        }
        writes.update("UPDATE peers SET alias = ? WHERE peer_id = ?", alias, peerId);
        return true;
    }

    void setTrust(String peerId, Trust trust, Instant verifiedAt) {
        writes.update("UPDATE peers SET trust = ?, verified_at = ? WHERE peer_id = ?", trust.name(),
                verifiedAt == null ? null : verifiedAt.toEpochMilli(), peerId);
    }

    /** Sets the peer's relation; false when no row has that peerId. */
    boolean setRelation(String peerId, Relation relation) {
        return writes.update("UPDATE peers SET relation = ? WHERE peer_id = ?", relation.name(), peerId) == 1;
    }

    /** The relation of every known peer, and of every blocked one (also forgotten). */
    public java.util.Map<String, Relation> relations() {
        java.util.Map<String, Relation> all = new java.util.HashMap<>();
        jdbc.sql("SELECT peer_id, relation FROM peers WHERE forgotten_at IS NULL OR relation = 'BLOCKED'")
                .query((rs, row) -> all.put(rs.getString(1), Relation.valueOf(rs.getString(2)))).list();
        return all;
    }

    /** Lets {@code address} answer with another identity on first use again. */
    void unbind(String peerId) {
        writes.update("DELETE FROM addresses WHERE peer_id = ?", peerId);
    }

    void touch(String peerId, Instant now) {
        writes.update("UPDATE peers SET last_seen = ? WHERE peer_id = ?", now.toEpochMilli(), peerId);
    }

    /** Marks the peer forgotten; returns false when it was not known. */
    boolean forget(String peerId, Instant now) {
        return writes.update("UPDATE peers SET forgotten_at = ?, dial_address = NULL, alias = NULL "
                + "WHERE peer_id = ? AND forgotten_at IS NULL", now.toEpochMilli(), peerId) == 1;
    }

    /** The peer as the writer sees it, its own uncommitted writes included (writer thread only). */
    Optional<StoredPeer> findForWrite(String peerId) {
        return writes.queryOne(BY_ID, ROW, peerId);
    }

    public Optional<StoredPeer> find(String peerId) {
        return jdbc.sql(BY_ID).param(peerId).query(ROW).optional();
    }

    /** Known (not forgotten) peers, first seen first. */
    public List<StoredPeer> known() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM peers WHERE forgotten_at IS NULL ORDER BY first_seen, peer_id")
                .query(ROW).list();
    }

    private static StoredPeer map(ResultSet rs, int row) throws SQLException {
        return new StoredPeer(rs.getString("peer_id"), rs.getBytes("public_key"), rs.getString("dial_address"),
                MessageRepository.instant(rs, "first_seen"), MessageRepository.instant(rs, "last_seen"),
                MessageRepository.instant(rs, "forgotten_at"), rs.getString("alias"), Trust.valueOf(rs.getString("trust")),
                MessageRepository.instant(rs, "verified_at"), Relation.valueOf(rs.getString("relation")));
    }
}
