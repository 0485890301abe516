package io.peerlink.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.config.PeerlinkConfiguration;
import io.peerlink.config.PeerlinkProperties;
import io.peerlink.identity.Identity;
import io.peerlink.identity.IdentityStore;
import io.peerlink.store.CommitObserver;
import io.peerlink.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import io.peerlink.identity.PeerKey;
import io.peerlink.store.Relation;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Peers for the benchmark, wired as {@link PeerlinkConfiguration} wires the product but without a
 * Spring context: {@code peerlink.*} properties bound to {@link PeerlinkProperties} by Spring's own
 * {@link Binder} (so every default is the product's {@code @DefaultValue}), the identity from
 * {@link IdentityStore} in the data directory, the SQLite store as {@link Store#openSqlite} opens it,
 * migrated, and the {@link ConnectionSettings} from {@link PeerlinkConfiguration#connectionSettings}.
 * What is left out: the meters (the commit observer is {@link CommitObserver#NONE}, the connection
 * observer the caller's or {@link ConnectionObserver#NONE}), the HTTP API and the housekeeping timer;
 * the quotas are the bound properties' ({@link PeerlinkProperties#quotas}) with no disk check. Only public API: a peer
 * process ({@link io.peerlink.support.PeerProcess}) would be the product as shipped, but twenty of
 * them (the mesh) cost this 2-core machine a minute of start-up.
 */
public final class BenchPeers {

    private BenchPeers() {
    }

    /** A running peer and what it owns; {@link #close} stops the service, then closes the store. */
    public record Peer(PeerConnectionService service, Store store, HikariDataSource dataSource,
            PeerlinkProperties properties) implements AutoCloseable {
        @Override
        public void close() {
            service.stop();
            store.close();
            dataSource.close();
        }
    }

    /**
     * Binds {@code properties} (relaxed names without the {@code peerlink.} prefix, e.g.
     * {@code max-connections}) over the product's defaults.
     */
    public static PeerlinkProperties properties(Map<String, String> properties) {
        Map<String, String> prefixed = new HashMap<>();
        properties.forEach((k, v) -> prefixed.put("peerlink." + k, v));
        return new Binder(new MapConfigurationPropertySource(prefixed)).bindOrCreate("peerlink",
                PeerlinkProperties.class);
    }

    /**
     * Without Spring Boot's logging set-up, logback logs everything at DEBUG to the console: the
     * peers' INFO line per connection (and the pool's and Flyway's chatter) would drown the bench's
     * output, so only warnings are kept.
     */
    public static void quietLogs() {
        for (String name : List.of("io.peerlink", "com.zaxxer.hikari", "org.flywaydb", "org.springframework")) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
    }

    /** The product's connection settings for these properties. */
    public static ConnectionSettings connectionSettings(PeerlinkProperties properties) {
        return PeerlinkConfiguration.connectionSettings(properties);
    }

    /** Opens the identity and the store in {@code data-dir} and starts the peer service. */
    public static Peer start(Map<String, String> properties) throws IOException {
        return start(properties, ConnectionObserver.NONE);
    }

    /** As {@link #start(Map)}, the connections counted by {@code observer}. */
    public static Peer start(Map<String, String> properties, ConnectionObserver observer) throws IOException {
        return start(properties, observer, List.of());
    }

    /**
     * As {@link #start(Map, ConnectionObserver)}, with {@code contacts} (public keys) stored as the
     * peer's contacts before it starts, as the store records a peer this one dialled or the user
     * accepted ({@link Store#peerConnected} with relation CONTACT, no dial address, so nothing re-dials
     * them): a peer that knows its {@code contacts.size()} correspondents.
     */
    public static Peer start(Map<String, String> properties, ConnectionObserver observer, List<PublicKey> contacts)
            throws IOException {
        quietLogs();
        PeerlinkProperties p = properties(properties);
        Path dataDir = p.dataDir();
        Identity identity = new IdentityStore(dataDir, p.keySize()).loadOrCreate();
        HikariDataSource dataSource = Store.openSqlite(dataDir);
        Store store = null;
        try {
            Store.migrate(dataSource);
            store = new Store(dataSource, Clock.systemUTC(), CommitObserver.NONE);
            addContacts(store, contacts);
            PeerConnectionService service = new PeerConnectionService(identity, connectionSettings(p), store,
                    observer, Clock.systemUTC(), p.quotas(), () -> Long.MAX_VALUE);
            service.start();
            return new Peer(service, store, dataSource, p);
        } catch (IOException | RuntimeException e) {
            if (store != null) {
                store.close();
            }
            dataSource.close();
            throw e;
        }
    }

    private static void addContacts(Store store, List<PublicKey> contacts) throws IOException {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        try {
            for (PublicKey key : contacts) {
                PeerKey peer = PeerKey.of((RSAPublicKey) key);
                writes.add(store.peerConnected(peer.peerId(), peer.spki(), null, Relation.CONTACT, false));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while storing the contacts", e);
        } catch (ExecutionException | TimeoutException | ClassCastException e) {
            throw new IOException("storing " + contacts.size() + " contacts failed", e);
        }
    }
}
