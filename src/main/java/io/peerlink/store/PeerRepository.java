package io.peerlink.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The {@code peers} table. Writes run only inside {@link StoreWriter} tasks. */
public final class PeerRepository {

    private static final String COLUMNS = "peer_id, public_key, dial_address, first_seen, last_seen, forgotten_at";
    private static final RowMapper<StoredPeer> ROW = PeerRepository::map;

    private final JdbcClient jdbc;

    PeerRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records a handshake with {@code peerId}: inserts it, or updates {@code last_seen} and makes a
     * forgotten peer known again. {@code dialAddress} (when this peer dialled) replaces the stored one.
     */
    void seen(String peerId, byte[] publicKey, String dialAddress, Instant now) {
        jdbc.sql("INSERT INTO peers (peer_id, public_key, dial_address, first_seen, last_seen) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (peer_id) DO UPDATE SET last_seen = excluded.last_seen, forgotten_at = NULL, "
                        + "dial_address = coalesce(excluded.dial_address, "
                        + "CASE WHEN peers.forgotten_at IS NULL THEN peers.dial_address END)")
                .params(peerId, publicKey, dialAddress, now.toEpochMilli(), now.toEpochMilli()).update();
    }

    void touch(String peerId, Instant now) {
        jdbc.sql("UPDATE peers SET last_seen = ? WHERE peer_id = ?").params(now.toEpochMilli(), peerId).update();
    }

    /** Marks the peer forgotten; returns false when it was not known. */
    boolean forget(String peerId, Instant now) {
        return jdbc.sql("UPDATE peers SET forgotten_at = ?, dial_address = NULL "
                        + "WHERE peer_id = ? AND forgotten_at IS NULL")
                .params(now.toEpochMilli(), peerId).update() == 1;
    }

    public Optional<StoredPeer> find(String peerId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM peers WHERE peer_id = ?").param(peerId).query(ROW).optional();
    }

    /** Known (not forgotten) peers, first seen first. */
    public List<StoredPeer> known() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM peers WHERE forgotten_at IS NULL ORDER BY first_seen, peer_id")
                .query(ROW).list();
    }

    private static StoredPeer map(ResultSet rs, int row) throws SQLException {
        return new StoredPeer(rs.getString("peer_id"), rs.getBytes("public_key"), rs.getString("dial_address"),
                MessageRepository.instant(rs, "first_seen"), MessageRepository.instant(rs, "last_seen"),
                MessageRepository.instant(rs, "forgotten_at"));
    }
}
