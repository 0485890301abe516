package io.peerlink.support;

import com.zaxxer.hikari.HikariDataSource;
import io.peerlink.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.stream.Stream;

/** Real stores on real SQLite files in fresh temporary directories, removed when the JVM ends. */
public final class TestStores {

    private TestStores() {
    }

    /** A migrated store in a new temporary directory. */
    public static Store fresh() {
        try {
            Path dir = Files.createTempDirectory("peerlink-store-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
            return in(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A migrated store in {@code dir} (kept: a test may reopen it). */
    public static Store in(Path dir) {
        try {
            HikariDataSource dataSource = Store.openSqlite(dir);
            Store.migrate(dataSource);
            return new Store(dataSource, Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
