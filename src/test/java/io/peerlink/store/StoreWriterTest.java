package io.peerlink.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The writer's batching against a real SQLite file: no mocks. */
class StoreWriterTest {

    @TempDir
    Path dir;

    private HikariDataSource dataSource;
    private JdbcClient jdbc;
    private TransactionTemplate transactions;
    private final List<Integer> commits = Collections.synchronizedList(new ArrayList<>());
    private StoreWriter writer;

    @BeforeEach
    void open() throws Exception {
        dataSource = Store.openSqlite(dir);
        jdbc = JdbcClient.create(dataSource);
        jdbc.sql("CREATE TABLE t (v TEXT NOT NULL)").update();
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
        dataSource.close();
    }

    private StoreWriter writer(Duration defer) {
        writer = new StoreWriter(transactions, () -> { }, (writes, nanos) -> commits.add(writes), defer.toNanos());
        return writer;
    }

    private int insert(String v) {
        return jdbc.sql("INSERT INTO t (v) VALUES (?)").param(v).update();
    }

    private List<String> rows() {
        return jdbc.sql("SELECT v FROM t ORDER BY rowid").query(String.class).list();
    }

    @Test
    void aDeferrableWriteWaitsForTheNextWriteAndSharesItsCommit() throws Exception {
        StoreWriter w = writer(Duration.ofSeconds(30));
        CompletableFuture<Integer> deferred = w.submitDeferrable(() -> insert("sent"));
        Thread.sleep(200);
        assertThat(deferred).as("still waiting for company").isNotDone();
        assertThat(rows()).isEmpty();

        CompletableFuture<Integer> urgent = w.submit(() -> insert("accepted"));
        // far sooner than the 30 s deferral: the urgent write commits both at once
        assertThat(urgent.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(deferred.get(1, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(rows()).containsExactly("sent", "accepted");
        assertThat(commits).containsExactly(2);
    }

    @Test
    void aDeferrableWriteAloneCommitsOnceTheDeferralRanOut() throws Exception {
        StoreWriter w = writer(Duration.ofMillis(300));
        long start = System.nanoTime();
        CompletableFuture<Integer> first = w.submitDeferrable(() -> insert("sent"));
        CompletableFuture<Integer> second = w.submitDeferrable(() -> insert("delivered"));
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(rows()).containsExactly("sent", "delivered");
        assertThat(commits).containsExactly(2);
    }

    @Test
    void anUrgentWriteIsNotHeldBack() throws Exception {
        StoreWriter w = writer(Duration.ofSeconds(30));
        assertThat(w.submit(() -> insert("accepted")).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(commits).containsExactly(1);
    }

    @Test
    void closingCommitsADeferredWriteAtOnce() throws Exception {
        StoreWriter w = writer(Duration.ofSeconds(30));
        CompletableFuture<Integer> deferred = w.submitDeferrable(() -> insert("sent"));
        Thread.sleep(100);
        long start = System.nanoTime();
        w.close();
        assertThat(deferred.get(1, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(rows()).containsExactly("sent");
    }

    @Test
    void aFailingWriteFailsAloneAndTheOthersOfItsBatchCommit() throws Exception {
        StoreWriter w = writer(Duration.ofSeconds(30));
        CompletableFuture<Integer> deferred = w.submitDeferrable(() -> insert("sent"));
        CompletableFuture<Integer> bad = w.submitDeferrable(() -> insert(null));
        CompletableFuture<Integer> urgent = w.submit(() -> insert("accepted"));
        assertThat(urgent.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(deferred.get(1, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(bad).failsWithin(Duration.ofSeconds(1));
        assertThat(rows()).containsExactly("sent", "accepted");
    }
}
