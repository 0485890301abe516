package io.peerlink.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code messages} table, both directions. Reads may run on any thread; the methods that write
 * run only inside {@link StoreWriter} tasks (the one writer), on the writer's own connection, which
 * is what makes a check followed by an update here free of races. Every write gives back the rows it
 * wrote ({@code RETURNING}) instead of reading them again.
 */
public final class MessageRepository {

    private static final String COLUMNS = "seq, id, peer_id, direction, body, status, created_at, sent_at, "
            + "delivered_at, received_at, failed_at, failure";

    /** An inbound message by id alone (ids are unique per sender, so the oldest wins). */
    static final String INBOUND_BY_ID = "SELECT " + COLUMNS + " FROM messages WHERE direction = 'IN' AND id = ? "
            + "ORDER BY seq LIMIT 1";

    private static final String OUTBOUND_BY_ID = "SELECT " + COLUMNS + " FROM messages WHERE direction = 'OUT' AND id = ?";

    private static final String INSERT_OUTBOUND = "INSERT INTO messages (id, peer_id, direction, body, status, created_at) "
            + "VALUES (?, ?, 'OUT', ?, 'QUEUED', ?) ON CONFLICT DO NOTHING RETURNING " + COLUMNS;

    private static final String INSERT_INBOUND = "INSERT INTO messages "
            + "(id, peer_id, direction, body, status, created_at, received_at) "
            + "VALUES (?, ?, 'IN', ?, 'RECEIVED', ?, ?) ON CONFLICT DO NOTHING RETURNING " + COLUMNS;

    private static final String MARK_SENT = "UPDATE messages SET status = 'SENT', sent_at = ? "
            + "WHERE direction = 'OUT' AND id = ? AND status = 'QUEUED' RETURNING " + COLUMNS;

    private static final String MARK_DELIVERED = "UPDATE messages SET status = 'DELIVERED', delivered_at = ?, "
            + "sent_at = coalesce(sent_at, ?) "
            + "WHERE direction = 'OUT' AND id = ? AND peer_id = ? AND status IN ('QUEUED', 'SENT') RETURNING " + COLUMNS;

    private static final String FAIL_UNDELIVERED = "UPDATE messages SET status = 'FAILED', failed_at = ?, failure = ? "
            + "WHERE peer_id = ? AND status IN ('QUEUED', 'SENT') RETURNING " + COLUMNS;

    private static final String FAIL_EXPIRED = "UPDATE messages SET status = 'FAILED', failed_at = ?, failure = ? "
            + "WHERE seq IN (SELECT seq FROM messages WHERE status IN ('QUEUED', 'SENT') AND created_at < ? "
            + "ORDER BY seq LIMIT ?) RETURNING " + COLUMNS;

    /**
     * When this peer got the message: an inbound one when it was committed here, an outbound one when
     * it was accepted here. Never the sender's clock ({@code created_at} of an inbound message), which
     * could keep a message with a {@code sentAt} far in the future for ever. Indexed (V4).
     */
    static final String KEPT_SINCE = "coalesce(received_at, created_at)";

    static final String DELETE_OLDER_THAN = "DELETE FROM messages WHERE " + KEPT_SINCE + " < ? "
            + "AND status NOT IN ('QUEUED', 'SENT')";

    private static final String ERASE_TEXTS = "UPDATE messages SET body = '' WHERE peer_id = ? AND body <> ''";

    private static final RowMapper<StoredMessage> ROW = MessageRepository::map;
    private static final Comparator<StoredMessage> OLDEST_FIRST = Comparator.comparingLong(StoredMessage::cursor);

    private final JdbcClient jdbc;
    private final WriterConnection writes;

    MessageRepository(JdbcClient jdbc, WriterConnection writes) {
        this.jdbc = jdbc;
        this.writes = writes;
    }

    // ------------------------------------------------------------------ writes (writer thread only)

    /** Inserts a QUEUED outbound message, or gives back the one already stored with that id. */
    Insert insertOutbound(UUID id, String peerId, String text, Instant now) {
        Optional<StoredMessage> inserted = writes.queryOne(INSERT_OUTBOUND, ROW, id.toString(), peerId, text,
                now.toEpochMilli());
        if (inserted.isPresent()) {
            return new Insert(inserted.get(), true);
        }
        return new Insert(writes.queryOne(OUTBOUND_BY_ID, ROW, id.toString()).orElseThrow(), false);
    }

    /** Inserts a RECEIVED inbound message; empty when (sender, id) was stored before (a copy). */
    Optional<StoredMessage> insertInbound(String peerId, UUID id, String text, Instant sentAt, Instant now) {
        return writes.queryOne(INSERT_INBOUND, ROW, id.toString(), peerId, text, sentAt.toEpochMilli(),
                now.toEpochMilli());
    }

    /** QUEUED → SENT; empty when the message was not QUEUED (already further on, or unknown). */
    Optional<StoredMessage> markSent(UUID id, Instant at) {
        return writes.queryOne(MARK_SENT, ROW, at.toEpochMilli(), id.toString());
    }

    /** QUEUED or SENT → DELIVERED, for an ACK from {@code peerId}; empty for any other message. */
    Optional<StoredMessage> markDelivered(String peerId, UUID id, Instant at) {
        return markDelivered(peerId, id, at, at);
    }

    /** As above; {@code sentAt} becomes its sent time unless it has one. */
    Optional<StoredMessage> markDelivered(String peerId, UUID id, Instant at, Instant sentAt) {
        return writes.queryOne(MARK_DELIVERED, ROW, at.toEpochMilli(), sentAt.toEpochMilli(), id.toString(), peerId);
    }

    /** The outbound message {@code id} while it is QUEUED, as the writer sees it (writer thread only). */
    Optional<StoredMessage> findQueuedForWrite(UUID id) {
        return writes.queryOne(OUTBOUND_BY_ID, ROW, id.toString()).filter(m -> m.status() == MessageStatus.QUEUED);
    }

    /** Every undelivered message to {@code peerId} → FAILED with {@code reason}; returns them, oldest first. */
    List<StoredMessage> failUndelivered(String peerId, String reason, Instant at) {
        return oldestFirst(writes.query(FAIL_UNDELIVERED, ROW, at.toEpochMilli(), reason, peerId));
    }

    /** Up to {@code limit} undelivered messages accepted before {@code cutoff} → FAILED; returns them. */
    List<StoredMessage> failExpired(Instant cutoff, String reason, Instant at, int limit) {
        return oldestFirst(writes.query(FAIL_EXPIRED, ROW, at.toEpochMilli(), reason, cutoff.toEpochMilli(), limit));
    }

    /**
     * Removes messages that no longer wait for delivery and that this peer received or created before
     * {@code cutoff} (see {@link #KEPT_SINCE}).
     */
    int deleteOlderThan(Instant cutoff) {
        return writes.update(DELETE_OLDER_THAN, cutoff.toEpochMilli());
    }

    /**
     * Erases the text of every message exchanged with {@code peerId}, both directions. The rows stay,
     * with their ids, statuses and times: a client can still ask what became of a message it sent, and
     * a copy of an inbound message is still recognised by (sender, id). Returns how many were erased.
     */
    int eraseTexts(String peerId) {
        return writes.update(ERASE_TEXTS, peerId);
    }

    // ------------------------------------------------------------------ reads

    /**
     * The message with this id, either direction. An id may exist in both directions only when two
     * peers chose the same UUID: outbound first. Both lookups use an index (messages_out_id,
     * messages_in_by_id).
     */
    public Optional<StoredMessage> find(UUID id) {
        Optional<StoredMessage> outbound = findOutbound(id);
        if (outbound.isPresent()) {
            return outbound;
        }
        return jdbc.sql(INBOUND_BY_ID).param(id.toString()).query(ROW).optional();
    }

    /** The message with this cursor (a primary-key lookup). */
    public Optional<StoredMessage> findByCursor(long cursor) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM messages WHERE seq = ?").param(cursor).query(ROW).optional();
    }

    public Optional<StoredMessage> findOutbound(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM messages WHERE direction = 'OUT' AND id = ?")
                .param(id.toString()).query(ROW).optional();
    }

    /** Messages to {@code peerId} still waiting for its ACK, oldest first. */
    public List<StoredMessage> undelivered(String peerId, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM messages "
                        + "WHERE peer_id = ? AND status IN ('QUEUED', 'SENT') ORDER BY seq LIMIT ?")
                .params(peerId, limit).query(ROW).list();
    }

    /**
     * The next window of messages to {@code peerId} still waiting for its ACK: those with a cursor
     * above {@code after}, oldest first, at most {@code maxCount} of them and, after the first, no
     * more than {@code maxBytes} of text (UTF-8) in all. Rows past the window are not read.
     */
    public List<StoredMessage> undeliveredAfter(String peerId, long after, int maxCount, long maxBytes) {
        return undeliveredAfter(peerId, after, maxCount, maxBytes, java.util.Set.of()).messages();
    }

    /**
     * As {@link #undeliveredAfter(String, long, int, long)}, passing over the messages in {@code skip}
     * (they take no place in the window, their cursor still counts as read), and saying whether the read
     * reached the end of the peer's undelivered messages.
     */
    public Undelivered undeliveredAfter(String peerId, long after, int maxCount, long maxBytes,
            java.util.Set<UUID> skip) {
        int limit = maxCount + skip.size();
        return jdbc.sql("SELECT " + COLUMNS + ", length(CAST(body AS BLOB)) AS body_bytes FROM messages "
                        + "WHERE peer_id = ? AND status IN ('QUEUED', 'SENT') AND seq > ? ORDER BY seq LIMIT ?")
                .params(peerId, after, limit).query((ResultSet rs) -> {
                    List<StoredMessage> window = new java.util.ArrayList<>();
                    long bytes = 0;
                    long last = after;
                    int rows = 0;
                    while (rs.next()) {
                        rows++;
                        if (skip.contains(UUID.fromString(rs.getString("id")))) {
                            last = rs.getLong("seq");
                            continue;
                        }
                        bytes += rs.getLong("body_bytes");
                        if (window.size() == maxCount || (!window.isEmpty() && bytes > maxBytes)) {
                            return new Undelivered(window, last, false);
                        }
                        StoredMessage m = map(rs, window.size());
                        window.add(m);
                        last = m.cursor();
                    }
                    // fewer rows than the limit: nothing undelivered is left after them
                    return new Undelivered(window, last, rows < limit);
                });
    }

    /**
     * A window read by {@link #undeliveredAfter(String, long, int, long, java.util.Set)}.
     *
     * @param messages the messages read, oldest first
     * @param cursor the cursor of the last row read (a skipped one included), or {@code after} when none
     * @param complete whether no undelivered message to the peer has a cursor above {@code cursor}
     */
    public record Undelivered(List<StoredMessage> messages, long cursor, boolean complete) {
    }

    public int undeliveredCount(String peerId) {
        return jdbc.sql("SELECT count(*) FROM messages WHERE peer_id = ? AND status IN ('QUEUED', 'SENT')")
                .param(peerId).query(Integer.class).single();
    }

    /** Undelivered outbound messages to every peer. */
    public int undeliveredTotal() {
        return jdbc.sql("SELECT count(*) FROM messages WHERE status IN ('QUEUED', 'SENT')").query(Integer.class).single();
    }

    /** Inbound messages with a cursor above {@code after}, oldest first, optionally from one sender. */
    public List<StoredMessage> inboundAfter(long after, int limit, String from) {
        if (from == null) {
            return jdbc.sql("SELECT " + COLUMNS + " FROM messages WHERE seq > ? AND direction = 'IN' "
                    + "ORDER BY seq LIMIT ?").params(after, limit).query(ROW).list();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM messages WHERE peer_id = ? AND seq > ? AND direction = 'IN' "
                + "ORDER BY seq LIMIT ?").params(from, after, limit).query(ROW).list();
    }

    /** The conversation with {@code peerId}, both directions, newest first, below {@code before}. */
    public List<StoredMessage> conversation(String peerId, long before, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM messages WHERE peer_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?")
                .params(peerId, before, limit).query(ROW).list();
    }

    /** The highest cursor ever given out (0 for an empty store). */
    public long lastCursor() {
        return jdbc.sql("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0)")
                .query(Long.class).single();
    }

    /** What {@link #insertOutbound} did: the stored message, and whether this call created it. */
    record Insert(StoredMessage message, boolean created) {
    }

    /** RETURNING gives rows in no defined order. */
    private static List<StoredMessage> oldestFirst(List<StoredMessage> rows) {
        return rows.stream().sorted(OLDEST_FIRST).toList();
    }

    private static StoredMessage map(ResultSet rs, int row) throws SQLException {
        return new StoredMessage(rs.getLong("seq"), UUID.fromString(rs.getString("id")), rs.getString("peer_id"),
                MessageDirection.valueOf(rs.getString("direction")), rs.getString("body"),
                MessageStatus.valueOf(rs.getString("status")), instant(rs, "created_at"), instant(rs, "sent_at"),
                instant(rs, "delivered_at"), instant(rs, "received_at"), instant(rs, "failed_at"),
                rs.getString("failure"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    /** What one peer's inbound messages take in the store. */
    public record Usage(long messages, long bytes) {
    }

    /** Inbound messages stored per sender: their count and UTF-8 bytes of text. */
    public java.util.Map<String, Usage> inboundUsage() {
        java.util.Map<String, Usage> usage = new java.util.HashMap<>();
        jdbc.sql("SELECT peer_id, count(*), coalesce(sum(length(CAST(body AS BLOB))), 0) FROM messages "
                        + "WHERE direction = 'IN' GROUP BY peer_id")
                .query((rs, row) -> usage.put(rs.getString(1), new Usage(rs.getLong(2), rs.getLong(3)))).list();
        return usage;
    }
}
