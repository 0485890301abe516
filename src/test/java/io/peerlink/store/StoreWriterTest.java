package io.peerlink.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The writer's batching against a real SQLite file: no mocks. */
class StoreWriterTest {

    @TempDir
    Path dir;

    private HikariDataSource dataSource;
    private JdbcClient jdbc;
    private WriterConnection connection;
    private final List<Integer> commits = Collections.synchronizedList(new ArrayList<>());
    private StoreWriter writer;

    @BeforeEach
    void open() throws Exception {
        dataSource = Store.openSqlite(dir);
        jdbc = JdbcClient.create(dataSource);
        jdbc.sql("CREATE TABLE t (v TEXT NOT NULL)").update();
        connection = new WriterConnection(dataSource.getConnection());
    }

    @AfterEach
    void close() throws Exception {
        if (writer != null) {
            writer.close();
        } else {
            connection.close();
        }
        dataSource.close();
    }

    private StoreWriter writer(Duration defer) {
        writer = new StoreWriter(connection, () -> { }, (writes, nanos) -> commits.add(writes), defer.toNanos());
        return writer;
    }

    /** A write as the repositories do it: on the writer's connection, inside a task. */
    private int insert(String v) {
        return connection.update("INSERT INTO t (v) VALUES (?)", v);
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

    @Test
    void theWriterOwnsItsConnectionAndGivesItBackWhenItCloses() throws Exception {
        StoreWriter w = writer(Duration.ofMillis(1));
        assertThat(w.submit(() -> insert("a")).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(dataSource.getHikariPoolMXBean().getActiveConnections()).as("held by the writer").isEqualTo(1);
        w.close();
        assertThat(dataSource.getHikariPoolMXBean().getActiveConnections()).as("given back").isZero();
    }

    @Test
    void dependentStagesNeverRunOnTheWriterThread() throws Exception {
        StoreWriter w = writer(Duration.ofMillis(1));
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CompletableFuture<Integer> write = w.submit(() -> {
            ranOn.set(Thread.currentThread());
            await(release);
            return insert("a");
        });
        CompletableFuture<Integer> failing = w.submit(() -> {
            await(release);
            return insert(null);
        });
        // registered before the commit: the stages run on whatever thread completes the futures
        AtomicReference<Thread> stage = new AtomicReference<>();
        AtomicReference<Thread> failureStage = new AtomicReference<>();
        CompletableFuture<Integer> nested = write.thenCompose(n -> {
            stage.set(Thread.currentThread());
            // a callback that writes and waits, as a connection that stores and then acknowledges:
            // on the writer thread this would wait for itself for ever
            return CompletableFuture.completedFuture(w.submit(() -> insert("b")).join());
        });
        CompletableFuture<Void> failed = failing.handle((n, e) -> {
            failureStage.set(Thread.currentThread());
            return null;
        });
        assertThat(write).as("waits for the latch").isNotDone();
        release.countDown();

        assertThat(nested.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        failed.get(10, TimeUnit.SECONDS);
        assertThat(ranOn.get().getName()).as("the task itself runs on the writer").isEqualTo("store-writer");
        assertThat(stage.get()).isNotNull().isNotSameAs(ranOn.get());
        assertThat(failureStage.get()).isNotNull().isNotSameAs(ranOn.get());
        assertThat(stage.get().getName()).startsWith("store-completion-");
        assertThat(rows()).containsExactly("a", "b");
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
