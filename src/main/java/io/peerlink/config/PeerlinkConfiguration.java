package io.peerlink.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.peerlink.connection.ConnectionObserver;
import io.peerlink.connection.ConnectionSettings;
import io.peerlink.connection.Inbox;
import io.peerlink.connection.PeerConnectionService;
import io.peerlink.identity.Identity;
import io.peerlink.identity.IdentityStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the plain-Java peer core into Spring: the identity from the data directory, the inbox, the
 * connection service (started and stopped by {@link PeerServiceLifecycle}) and its meters.
 */
@Configuration(proxyBeanMethods = false)
class PeerlinkConfiguration {

    /** Start-up dialling backs off from this ... */
    static final Duration RECONNECT_MIN_DELAY = Duration.ofSeconds(1);
    /** ... doubling up to this. */
    static final Duration RECONNECT_MAX_DELAY = Duration.ofSeconds(30);

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

    @Bean
    Inbox inbox(PeerlinkProperties properties, Clock peerlinkClock) {
        return new Inbox(properties.inboxCapacity(), peerlinkClock);
    }

    @Bean
    ConnectionObserver connectionObserver(ObjectProvider<MeterRegistry> registry) {
        MeterRegistry r = registry.getIfAvailable();
        return r == null ? ConnectionObserver.NONE : new MicrometerConnectionObserver(r);
    }

    @Bean
    PeerConnectionService peerConnectionService(Identity identity, PeerlinkProperties properties, Inbox inbox,
            ConnectionObserver connectionObserver, Clock peerlinkClock) {
        return new PeerConnectionService(identity, connectionSettings(properties), inbox, connectionObserver,
                peerlinkClock);
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

    /** Gauges that read the service and the inbox when scraped. */
    @Bean
    MeterBinder peerlinkGauges(PeerConnectionService service, Inbox inbox) {
        return registry -> {
            Gauge.builder("peerlink.connections.active", service, PeerConnectionService::connectedCount)
                    .description("Established peer connections").register(registry);
            Gauge.builder("peerlink.inbox.messages", inbox, Inbox::size)
                    .description("Messages held in the inbox").register(registry);
            Gauge.builder("peerlink.inbox.dropped", inbox, Inbox::dropped)
                    .description("Messages dropped from the full inbox since start").register(registry);
        };
    }

    static ConnectionSettings connectionSettings(PeerlinkProperties p) {
        return new ConnectionSettings(p.listenHost(), p.listenPort(), p.connectTargets(), p.maxConnections(),
                p.handshakeTimeout(), p.keepAliveInterval(), p.idleTimeout(), RECONNECT_MIN_DELAY,
                RECONNECT_MAX_DELAY, p.limits());
    }
}
