package io.peerlink.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;

/**
 * The {@link StoreWriter}'s own JDBC connection, taken once when the store opens and given back when
 * it closes, with every statement prepared once on first use and kept (a handful: the write paths'
 * SQL are constants). A write is then a bind and a step, with no SQL parsing and no pool round-trip:
 * the work Spring's {@code JdbcTemplate} would redo for every call (borrow a connection, prepare,
 * close the statement). (The reads' pooled connections keep theirs through
 * {@link StatementCachingDataSource}.)
 *
 * <p>Failures surface as Spring's {@code DataAccessException}s, as the reads' {@code JdbcClient} throws.
 *
 * <p>Not thread-safe: only the writer thread uses it (its tasks run on that thread).
 */
final class WriterConnection implements AutoCloseable {

    private final Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    private final SQLExceptionTranslator translator = new SQLErrorCodeSQLExceptionTranslator("SQLite");

    /** Takes over {@code connection} (closed with this object), in manual-commit mode. */
    WriterConnection(Connection connection) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(false);
    }

    /** Runs {@code sql} (INSERT, UPDATE, DELETE without RETURNING); returns the rows it changed. */
    int update(String sql, Object... params) {
        try {
            return bind(sql, params).executeUpdate();
        } catch (SQLException e) {
            throw translate(sql, e);
        }
    }

    /** Runs a query, or a write with {@code RETURNING}, and maps every row it gives. */
    <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        try {
            PreparedStatement statement = bind(sql, params);
            List<T> rows = new ArrayList<>();
            // a RETURNING write runs to completion once its rows are read; closing the result set
            // resets the statement (sqlite3_reset), so it is ready for the next call
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.mapRow(rs, rows.size()));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw translate(sql, e);
        }
    }

    /** As {@link #query}, for at most one row. */
    <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = query(sql, mapper, params);
        if (rows.size() > 1) {
            throw new IllegalStateException("expected at most one row, got " + rows.size() + ": " + sql);
        }
        return rows.stream().findFirst();
    }

    /**
     * {@code PRAGMA wal_checkpoint(TRUNCATE)}, outside any transaction (a checkpoint cannot run inside
     * one): copies the log into the database file and truncates the log to zero bytes. False when
     * readers kept it from finishing.
     */
    boolean checkpointTruncate() {
        String sql = "PRAGMA wal_checkpoint(TRUNCATE)";
        try {
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
                // one row: busy (1 when it could not finish), frames in the log, frames checkpointed
                return rs.next() && rs.getInt(1) == 0;
            } finally {
                connection.setAutoCommit(false);
            }
        } catch (SQLException e) {
            throw translate(sql, e);
        }
    }

    void commit() throws SQLException {
        connection.commit();
    }

    void rollback() throws SQLException {
        connection.rollback();
    }

    /** Closes the prepared statements and gives the connection back. */
    @Override
    public void close() throws SQLException {
        SQLException first = null;
        for (PreparedStatement statement : prepared.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                first = first == null ? e : first;
            }
        }
        prepared.clear();
        try {
            connection.rollback();
            connection.setAutoCommit(true);
            connection.close();
        } catch (SQLException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw first;
        }
    }

    private PreparedStatement bind(String sql, Object... params) throws SQLException {
        PreparedStatement statement = prepared.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            prepared.put(sql, statement);
        }
        statement.clearParameters();
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }

    private RuntimeException translate(String sql, SQLException e) {
        RuntimeException translated = translator.translate("store write", sql, e);
        return translated != null ? translated : new UncategorizedSQLException("store write", sql, e);
    }
}
