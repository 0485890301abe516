package io.peerlink.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The {@code events} table. Appends run only inside {@link StoreWriter} tasks, on the writer's connection. */
public final class EventRepository {

    private static final String COLUMNS = "id, type, at, peer_id, message_id, message_seq, detail";
    private static final RowMapper<StoredEvent> ROW = EventRepository::map;

    private static final String APPEND =
            "INSERT INTO events (type, at, peer_id, message_id, message_seq, detail) VALUES (?, ?, ?, ?, ?, ?)";

    private final JdbcClient jdbc;
    private final WriterConnection writes;

    EventRepository(JdbcClient jdbc, WriterConnection writes) {
        this.jdbc = jdbc;
        this.writes = writes;
    }

    void messageStored(StoredMessage m, Instant at) {
        append(StoredEvent.Type.MESSAGE, at, m.peerId(), m.id(), m.cursor(), m.status().name());
    }

    void statusChanged(StoredMessage m, Instant at) {
        append(StoredEvent.Type.STATUS, at, m.peerId(), m.id(), m.cursor(), m.status().name());
    }

    void peer(String peerId, String what, Instant at) {
        append(StoredEvent.Type.PEER, at, peerId, null, null, what);
    }

    private void append(StoredEvent.Type type, Instant at, String peerId, UUID messageId, Long seq, String detail) {
        writes.update(APPEND, type.wireName(), at.toEpochMilli(), peerId,
                messageId == null ? null : messageId.toString(), seq, detail);
    }

    int deleteOlderThan(Instant cutoff) {
        return writes.update("DELETE FROM events WHERE at < ?", cutoff.toEpochMilli());
    }

    /** Events with an id above {@code after}, oldest first. */
    public List<StoredEvent> after(long after, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM events WHERE id > ? ORDER BY id LIMIT ?")
                .params(after, limit).query(ROW).list();
    }

    /** The highest event id ever given out (0 before the first event). */
    public long lastId() {
        return jdbc.sql("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)")
                .query(Long.class).single();
    }

    private static StoredEvent map(ResultSet rs, int row) throws SQLException {
        String messageId = rs.getString("message_id");
        long seq = rs.getLong("message_seq");
        Long messageSeq = rs.wasNull() ? null : seq;
        return new StoredEvent(rs.getLong("id"), StoredEvent.Type.fromWireName(rs.getString("type")),
                MessageRepository.instant(rs, "at"), rs.getString("peer_id"),
                messageId == null ? null : UUID.fromString(messageId), messageSeq, rs.getString("detail"));
    }
}
