package io.peerlink.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Statement reuse over the real pool and a real SQLite file: no mocks. */
class StatementCachingDataSourceTest {

    @TempDir
    Path dir;

    private HikariDataSource pool;
    private StatementCachingDataSource cached;
    private JdbcClient jdbc;

    @BeforeEach
    void open() throws Exception {
        pool = Store.openSqlite(dir);
        cached = new StatementCachingDataSource(pool);
        jdbc = JdbcClient.create(cached);
        jdbc.sql("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)").update();
    }

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void theSameSqlOnTheSameConnectionGetsTheSameStatementBackWithItsParametersCleared() throws Exception {
        try (Connection c = cached.getConnection()) {
            PreparedStatement first = c.prepareStatement("INSERT INTO t (v) VALUES (?)");
            first.setString(1, "a");
            assertThat(first.executeUpdate()).isEqualTo(1);
            Object physical = first.unwrap(PreparedStatement.class);
            first.close();
            assertThat(first.isClosed()).isTrue();
            assertThatThrownBy(first::executeUpdate).isInstanceOf(SQLException.class);

            PreparedStatement again = c.prepareStatement("INSERT INTO t (v) VALUES (?)");
            assertThat(again.unwrap(PreparedStatement.class)).isSameAs(physical);
            // parameters were cleared: NULL violates NOT NULL
            assertThatThrownBy(again::executeUpdate).isInstanceOf(SQLException.class);
            again.setString(1, "b");
            assertThat(again.executeUpdate()).isEqualTo(1);
            again.close();
        }
        assertThat(jdbc.sql("SELECT v FROM t ORDER BY k").query(String.class).list()).containsExactly("a", "b");
    }

    @Test
    void aStatementStillInUseIsNotHandedOutTwice() throws Exception {
        try (Connection c = cached.getConnection()) {
            jdbc.sql("INSERT INTO t (v) VALUES ('x'), ('y')").update();
            try (PreparedStatement outer = c.prepareStatement("SELECT v FROM t ORDER BY k");
                    ResultSet rows = outer.executeQuery()) {
                assertThat(rows.next()).isTrue();
                try (PreparedStatement inner = c.prepareStatement("SELECT v FROM t ORDER BY k");
                        ResultSet again = inner.executeQuery()) {
                    assertThat(inner.unwrap(PreparedStatement.class)).isNotSameAs(outer.unwrap(PreparedStatement.class));
                    assertThat(again.next()).isTrue();
                    assertThat(again.getString(1)).isEqualTo("x");
                }
                assertThat(rows.getString(1)).isEqualTo("x");
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("y");
            }
        }
    }

    @Test
    void aReaderWithCachedStatementsSeesEveryLaterCommit() {
        // one pooled connection reads again and again with its cached statement; a transaction on
        // the same data source commits in between: a statement left open would pin an old snapshot
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(cached));
        for (int i = 1; i <= 20; i++) {
            String v = "v" + i;
            tx.executeWithoutResult(s -> jdbc.sql("INSERT INTO t (v) VALUES (?)").param(v).update());
            assertThat(jdbc.sql("SELECT count(*) FROM t").query(Integer.class).single()).isEqualTo(i);
            assertThat(jdbc.sql("SELECT v FROM t WHERE k = (SELECT max(k) FROM t)").query(String.class).single())
                    .isEqualTo(v);
        }
        assertThat(cached.cachedStatements()).isPositive().isLessThanOrEqualTo(3 * pool.getMaximumPoolSize());
    }

    @Test
    void aRolledBackTransactionLeavesNothingBehindAndTheStatementsStayUsable() {
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(cached));
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            jdbc.sql("INSERT INTO t (v) VALUES (?)").param("gone").update();
            jdbc.sql("INSERT INTO t (v) VALUES (?)").param(null).update();
        })).isInstanceOf(RuntimeException.class);
        assertThat(jdbc.sql("SELECT count(*) FROM t").query(Integer.class).single()).isZero();
        tx.executeWithoutResult(s -> jdbc.sql("INSERT INTO t (v) VALUES (?)").param("kept").update());
        assertThat(jdbc.sql("SELECT v FROM t").query(String.class).list()).containsExactly("kept");
    }

    @Test
    void keepsAtMostSoManyStatementsPerConnection() throws Exception {
        try (Connection c = cached.getConnection()) {
            for (int i = 0; i < StatementCachingDataSource.PER_CONNECTION + 20; i++) {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + i + " FROM t")) {
                    ps.executeQuery().close();
                }
            }
        }
        assertThat(cached.cachedStatements()).isLessThanOrEqualTo(
                StatementCachingDataSource.PER_CONNECTION * pool.getMaximumPoolSize());
    }

    @Test
    void statementsOfAClosedConnectionAreForgotten() throws Exception {
        jdbc.sql("SELECT count(*) FROM t").query(Integer.class).single();
        assertThat(cached.cachedStatements()).isPositive();
        // Hikari marks idle connections evicted at once but closes them on its own closer thread:
        // wait (bounded) for that close, then the cache must have dropped the closed one's statements.
        pool.getHikariPoolMXBean().softEvictConnections();
        try (Connection c = cached.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (cached.cachedStatements() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(cached.cachedStatements()).isZero();
        assertThat(jdbc.sql("SELECT v FROM t").query(String.class).list()).isEqualTo(List.of());
    }
}
