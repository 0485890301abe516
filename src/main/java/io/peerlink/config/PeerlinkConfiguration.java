package io.peerlink.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.crypto.CryptoProviders;
import io.peerlink.identity.Identity;
import io.peerlink.identity.IdentityStore;
import io.peerlink.store.CommitObserver;
import io.peerlink.store.Housekeeping;
import io.peerlink.messaging.Inbox;
import io.peerlink.messaging.Messages;
import io.peerlink.transport.Timers;
import io.peerlink.store.Store;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the plain-Java peer core into Spring: the identity and the store from the data directory,
 * the connection service (started and stopped by {@link PeerServiceLifecycle}) and its meters.
 */
@Configuration(proxyBeanMethods = false)
public class PeerlinkConfiguration {

    /** Start-up dialling backs off from this ... */
    static final Duration RECONNECT_MIN_DELAY = Duration.ofSeconds(1);
    /** ... doubling up to this. */
    static final Duration RECONNECT_MAX_DELAY = Duration.ofMinutes(5);
    /** How often the message TTL and the history retention are applied. */
    static final Duration HOUSEKEEPING_INTERVAL = Duration.ofMinutes(1);

    @Bean
    Clock peerlinkClock() {
        return Clock.systemUTC();
    }

    @Bean
    Identity identity(PeerlinkProperties properties) {
        try {
            return new IdentityStore(properties.dataDir(), properties.keySize()).loadOrCreate();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load or create the identity key in peerlink.data-dir="
                    + properties.dataDir().toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** {@code peerlink.db} in the data directory; closed after the store. */
    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(PeerlinkProperties properties) {
        try {
            return Store.openSqlite(properties.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory peerlink.data-dir="
                    + properties.dataDir().toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** The schema is migrated before anything reads or writes; every commit is timed. */
    @Bean(destroyMethod = "close")
    Store store(HikariDataSource dataSource, Clock peerlinkClock, ObjectProvider<MeterRegistry> registry) {
        Store.migrate(dataSource);
        return new Store(dataSource, peerlinkClock, commitObserver(registry.getIfAvailable()));
    }

    static CommitObserver commitObserver(MeterRegistry registry) {
        return registry == null ? CommitObserver.NONE : new MicrometerCommitObserver(registry);
    }

    /** The peer's one timer thread: handshake deadlines, close grace, write progress, re-dials, housekeeping. */
    @Bean(destroyMethod = "close")
    Timers timers() {
        return new Timers();
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    Housekeeping housekeeping(Store store, PeerlinkProperties properties, Timers timers) {
        return new Housekeeping(store, properties.messageTtl(), properties.historyRetention(), HOUSEKEEPING_INTERVAL,
                timers.scheduler());
    }

    /** The inbound messages, for polling. */
    @Bean
    Inbox inbox(Store store) {
        return new Inbox(store);
    }

    /** The stored messages, by id and by conversation. */
    @Bean
    Messages messages(Store store) {
        return new Messages(store);
    }

    @Bean
    ConnectionObserver connectionObserver(ObjectProvider<MeterRegistry> registry) {
        MeterRegistry r = registry.getIfAvailable();
        return r == null ? ConnectionObserver.NONE : new MicrometerConnectionObserver(r);
    }

    @Bean
    PeerConnectionService peerConnectionService(Identity identity, PeerlinkProperties properties, Store store,
            ConnectionObserver connectionObserver, Clock peerlinkClock, Timers timers) {
        // who serves RSA-OAEP decryption and AES-GCM, before any handshake can run (ACCP loads in the background)
        CryptoProviders.configure(properties.cryptoProvider());
        java.nio.file.FileStore disk;
        try {
            disk = java.nio.file.Files.getFileStore(properties.dataDir());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the free space of the disk of the data directory "
                    + properties.dataDir().toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return new PeerConnectionService(identity, connectionSettings(properties), store, connectionObserver,
                peerlinkClock, timers, properties.quotas(), () -> freeBytes(disk), properties.relaySettings());
    }

    @Bean
    PeerServiceLifecycle peerServiceLifecycle(PeerConnectionService service, PeerlinkProperties properties) {
        return new PeerServiceLifecycle(service, properties);
    }

    /** The {@code peers} component of {@code /actuator/health}. */
    @Bean
    PeersHealthIndicator peersHealthIndicator(PeerConnectionService service) {
        return new PeersHealthIndicator(service);
    }

    /** Gauges that read the service when scraped. */
    @Bean
    MeterBinder peerlinkGauges(PeerConnectionService service, Store store) {
        return registry -> {
            Gauge.builder("peerlink.connections.active", service, PeerConnectionService::connectedCount)
                    .description("Established peer connections").register(registry);
            Gauge.builder("peerlink.messages.undelivered", store, s -> s.messages().undeliveredTotal())
                    .description("Outbound messages waiting for the recipient's ACK (QUEUED or SENT)")
                    .register(registry);
        };
    }

    /** Usable bytes of {@code disk}; 0 when it cannot be read (then nothing more is acknowledged). */
    private static long freeBytes(java.nio.file.FileStore disk) {
        try {
            return disk.getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The peer's settings; the handshakes' crypto pool gets one thread per core. Public for code that
     * wires peers without a Spring context (the benchmark's many peers in one JVM).
     */
    public static ConnectionSettings connectionSettings(PeerlinkProperties p) {
        int cryptoThreads = ConnectionSettings.defaultCryptoThreads();
        return new ConnectionSettings(p.listenHost(), p.listenPort(), p.connectTargets(), p.maxConnections(),
                p.reservedConnectionsPercent(), p.maxUnknownConnectionsPerAddress(), p.maxHandshakes(), p.maxHandshakesPerAddress(), p.handshakeTimeout(), p.handshakeIdleTimeout(),
                cryptoThreads, ConnectionSettings.defaultCryptoQueue(cryptoThreads), p.keepAliveInterval(),
                p.idleTimeout(), RECONNECT_MIN_DELAY, RECONNECT_MAX_DELAY, p.limits(), p.protocolMaxVersion());
    }
}
