package io.peerlink.messaging;

import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.transport.PeerConnectionException;
import com.zaxxer.hikari.HikariDataSource;
import io.peerlink.identity.Identity;
import io.peerlink.store.CommitObserver;
import io.peerlink.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Peer services whose store reports its commits to a {@link CommitObserver} (such as a
 * {@link io.peerlink.support.CommitGate}) and whose send path waits {@code commitTimeout} for a
 * commit instead of 30 s; for tests in other packages too.
 */
public final class SlowCommitServices {

    private SlowCommitServices() {
    }

    public static PeerConnectionService create(Identity identity, ConnectionSettings settings,
            CommitObserver commits, ConnectionObserver observer, Duration commitTimeout) {
        try {
            Path dir = Files.createTempDirectory("peerlink-slow-store-");
            dir.toFile().deleteOnExit();
            HikariDataSource dataSource = Store.openSqlite(dir);
            Store.migrate(dataSource);
            Store store = new Store(dataSource, Clock.systemUTC(), commits);
            return new PeerConnectionService(identity, settings, store, observer, Clock.systemUTC(), commitTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
