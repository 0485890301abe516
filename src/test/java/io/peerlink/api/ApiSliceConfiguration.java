package io.peerlink.api;

import io.peerlink.support.TestStores;
import io.peerlink.config.PeerlinkProperties;
import io.peerlink.transport.ConnectionObserver;
import io.peerlink.transport.ConnectionSettings;
import io.peerlink.messaging.Inbox;
import io.peerlink.messaging.Messages;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.messaging.PeerState;
import io.peerlink.support.TestIdentities;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * For the web slice tests: a real {@link PeerConnectionService} on a loopback port (no mocks, so
 * that unreachable hosts, failed handshakes and fingerprint mismatches are the real thing) and the
 * {@code peerlink.*} properties the API reads, with the HTTP edge of the real application (security,
 * body limit, strict JSON).
 */
@TestConfiguration(proxyBeanMethods = false)
@EnableConfigurationProperties(PeerlinkProperties.class)
@Import({ApiSecurity.class, RequestSizeLimit.class, StrictJson.class})
class ApiSliceConfiguration {

    @Bean(destroyMethod = "stop")
    PeerConnectionService peerConnectionService(PeerlinkProperties properties) throws IOException {
        PeerConnectionService service = new PeerConnectionService(TestIdentities.named("api-slice-local"),
                ConnectionSettings.forTests("127.0.0.1").withLimits(properties.limits()),
                TestStores.fresh(), ConnectionObserver.NONE, Clock.systemUTC());
        service.start();
        return service;
    }

    /** The inbox the controllers read (over the service's store). */
    @Bean
    Inbox inbox(PeerConnectionService peerConnectionService) {
        return new Inbox(peerConnectionService.store());
    }

    @Bean
    Messages messages(PeerConnectionService peerConnectionService) {
        return new Messages(peerConnectionService.store());
    }

    /** A plain peer on loopback for the slice tests to connect to. */
    static PeerConnectionService remote(String name) throws IOException {
        PeerConnectionService service = new PeerConnectionService(TestIdentities.named(name),
                ConnectionSettings.forTests("127.0.0.1"), TestStores.fresh(), ConnectionObserver.NONE,
                Clock.systemUTC());
        service.start();
        return service;
    }

    /**
     * Waits until {@code at} has the peer connected: the server side of a handshake registers the
     * connection a moment after the client's {@code connect} returns.
     */
    static void awaitConnected(PeerConnectionService at, String peerId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (at.peer(peerId).map(p -> p.state() != PeerState.CONNECTED).orElse(true)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("peer " + peerId + " never connected");
            }
            Thread.sleep(20);
        }
    }

    /** Forgets every peer, so that each test starts with none connected. */
    static void disconnectAll(PeerConnectionService service) {
        service.peers().forEach(p -> service.forget(p.peerId()));
    }
}
