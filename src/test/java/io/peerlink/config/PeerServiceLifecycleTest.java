package io.peerlink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.transport.ConnectionObserver;
import io.peerlink.messaging.Inbox;
import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.support.TestIdentities;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.io.IOException;
import java.time.Clock;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Configuration;

class PeerServiceLifecycleTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PeerlinkProperties.class)
    static class Config {
    }

    private static void withProperties(int port, Consumer<PeerlinkProperties> test) {
        withProperties("127.0.0.1", port, test);
    }

    private static void withProperties(String host, int port, Consumer<PeerlinkProperties> test) {
        new ApplicationContextRunner().withUserConfiguration(Config.class)
                .withPropertyValues("peerlink.listen-host=" + host, "peerlink.listen-port=" + port,
                        "peerlink.keep-alive-interval=1s", "peerlink.idle-timeout=4s")
                .run(context -> test.accept(context.getBean(PeerlinkProperties.class)));
    }

    private static PeerConnectionService service(PeerlinkProperties p) {
        return new PeerConnectionService(TestIdentities.named("lifecycle"), PeerlinkConfiguration.connectionSettings(p),
                io.peerlink.support.TestStores.fresh(), ConnectionObserver.NONE, Clock.systemUTC());
    }

    @Test
    void startsBeforeAndStopsAfterTheWebServer() {
        withProperties(0, p -> {
            PeerServiceLifecycle lifecycle = new PeerServiceLifecycle(service(p), p);
            assertThat(lifecycle.getPhase()).isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE);
            assertThat(lifecycle.isAutoStartup()).isTrue();
        });
    }

    @Test
    void bindsThePeerPortOnStartAndReleasesItOnStop() {
        // a loopback address of its own: on a busy machine another process's socket may take a freed
        // ephemeral port of 127.0.0.1 between the stop and the check, which says nothing about the peer
        String host = "127.0.0.77";
        withProperties(host, 0, p -> {
            PeerConnectionService service = service(p);
            PeerServiceLifecycle lifecycle = new PeerServiceLifecycle(service, p);
            lifecycle.start();
            int port = service.listenPort();
            assertThat(lifecycle.isRunning()).isTrue();
            assertThat(service.isListening()).isTrue();
            lifecycle.stop();
            assertThat(lifecycle.isRunning()).isFalse();
            try (ServerSocket again = new ServerSocket()) {
                again.setReuseAddress(true); // as the listener itself binds
                again.bind(new InetSocketAddress(host, port));
            } catch (IOException e) {
                throw new AssertionError("peer port " + port + " still bound after stop", e);
            }
        });
    }

    @Test
    void failsStartUpClearlyWhenThePeerPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            withProperties(taken.getLocalPort(), p -> {
                PeerServiceLifecycle lifecycle = new PeerServiceLifecycle(service(p), p);
                assertThatThrownBy(lifecycle::start).isInstanceOfSatisfying(PeerPortUnavailableException.class, e -> {
                    FailureAnalysis analysis = new PeerPortFailureAnalyzer().analyze(new IllegalStateException(e));
                    assertThat(analysis.getDescription())
                            .contains("127.0.0.1:" + taken.getLocalPort()).contains("could not be bound");
                    assertThat(analysis.getAction()).contains("peerlink.listen-port");
                });
            });
        }
    }
}
