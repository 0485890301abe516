package io.peerlink.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.transport.DialTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

/** Binding and validation of {@code peerlink.*}: defaults, environment variables, and clear failures. */
class PeerlinkPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PeerlinkProperties.class)
    static class Config {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

    private static String failure(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append('\n');
        }
        return b.toString();
    }

    @Test
    void hasTheDocumentedDefaults() {
        runner.run(context -> {
            PeerlinkProperties p = context.getBean(PeerlinkProperties.class);
            assertThat(p.listenHost()).isEqualTo("0.0.0.0");
            assertThat(p.listenPort()).isEqualTo(5555);
            assertThat(p.dataDir().normalize()).isEqualTo(Path.of("data"));
            assertThat(p.connect()).isEmpty();
            assertThat(p.maxMessageBytes().toBytes()).isEqualTo(65536);
            assertThat(p.messageTtl()).isEqualTo(Duration.ofDays(30));
            assertThat(p.historyRetention()).isNull();
            assertThat(p.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(p.maxConnections()).isEqualTo(64);
            assertThat(p.reservedConnectionsPercent()).isEqualTo(25);
            assertThat(p.maxUnknownConnectionsPerAddress()).isEqualTo(4);
            assertThat(p.maxHandshakes()).isEqualTo(32);
            assertThat(p.maxHandshakesPerAddress()).isEqualTo(8);
            assertThat(p.handshakeIdleTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(p.apiToken()).isEmpty();
            assertThat(p.apiTokenEnabled()).isFalse();
            assertThat(p.keySize()).isEqualTo(3072);
            assertThat(p.keepAliveInterval()).isEqualTo(Duration.ofSeconds(5));
            assertThat(p.idleTimeout()).isEqualTo(Duration.ofSeconds(15));
            assertThat(p.maxFrameBytes()).isEqualTo(DataSize.ofMegabytes(1));
            assertThat(p.keyUpdateAfterFrames()).isEqualTo(1L << 20);
            assertThat(p.limits().maxMessageBytes()).isEqualTo(65536);
            assertThat(p.limits().maxFrameLength()).isEqualTo(1 << 20);
        });
    }

    @Test
    void bindsEnvironmentVariablesWithACommaSeparatedConnectList() {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("test-env", Map.of(
                                "PEERLINK_CONNECT", "peer-b:5555,10.0.0.7:6000,[::1]:5557,abababababababababababababababababababababababababababababababab@peer-c:5555",
                                "PEERLINK_LISTEN_PORT", "6001",
                                "PEERLINK_MAX_MESSAGE_BYTES", "16KB",
                                "PEERLINK_HANDSHAKE_TIMEOUT", "3s",
                                "PEERLINK_API_TOKEN", "t0ken-t0ken-t0ken-t0ken-t0ken-t0"))))
                .run(context -> {
                    PeerlinkProperties p = context.getBean(PeerlinkProperties.class);
                    assertThat(p.connectTargets()).containsExactly(
                            new DialTarget("peer-b", 5555, null),
                            new DialTarget("10.0.0.7", 6000, null),
                            new DialTarget("::1", 5557, null),
                            new DialTarget("peer-c", 5555, "abababababababababababababababababababababababababababababababab"));
                    assertThat(p.listenPort()).isEqualTo(6001);
                    assertThat(p.maxMessageBytes().toBytes()).isEqualTo(16384);
                    assertThat(p.handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(p.apiTokenEnabled()).isTrue();
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"peer-b", "peer-b:", ":5555", "peer-b:0", "peer-b:65536", "peer-b:http", "::1:5555",
            "[::1:5555", "bad host:5555", "peer-b:5555:1", "abc@peer-b:5555", "@peer-b:5555"})
    void refusesToStartWithAMalformedConnectEntry(String entry) {
        runner.withPropertyValues("peerlink.connect=peer-a:5555," + entry).run(context -> {
            assertThat(context).hasFailed();
            assertThat(failure(context.getStartupFailure()))
                    .contains("peerlink.connect[1]")
                    .contains("must be [peerId@]host:port with a port from 1 to 65535");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            peerlink.key-size=1024                | keySize
            peerlink.key-size=16384               | keySize
            peerlink.listen-port=70000            | listenPort
            peerlink.message-ttl=0s               | message-ttl must be positive
            peerlink.history-retention=-1d        | history-retention must be positive
            peerlink.max-connections=0            | maxConnections
            peerlink.max-handshakes=0             | maxHandshakes
            peerlink.reserved-connections-percent=101 | reservedConnectionsPercent
            peerlink.reserved-connections-percent=-1 | reservedConnectionsPercent
            peerlink.max-unknown-connections-per-address=0 | maxUnknownConnectionsPerAddress
            peerlink.max-handshakes-per-address=0 | maxHandshakesPerAddress
            peerlink.max-handshakes-per-address=33 | max-handshakes-per-address must not be more than max-handshakes
            peerlink.handshake-idle-timeout=0s    | handshake-idle-timeout must be positive
            peerlink.listen-host=                 | listenHost
            peerlink.key-update-after-frames=0    | keyUpdateAfterFrames
            peerlink.handshake-timeout=0s         | handshake-timeout must be positive
            peerlink.idle-timeout=2s              | idle-timeout longer than it
            peerlink.keep-alive-interval=0s       | keep-alive-interval must be positive
            peerlink.max-message-bytes=2MB        | max-message-bytes must be at least 1 byte
            peerlink.max-message-bytes=0B         | max-message-bytes must be at least 1 byte
            peerlink.max-frame-bytes=10B          | max-frame-bytes must be between 1KB and 1GB
            peerlink.api-token=s3cret             | api-token must be at least 32 characters
            peerlink.api-token=0123456789abcdef0123456789abcde | api-token must be at least 32 characters
            peerlink.api-token=Generate           | or 'generate' to have the peer create one
            """)
    void refusesToStartWithABadValue(String setting, String message) {
        runner.withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            assertThat(failure(context.getStartupFailure())).contains("peerlink").contains(message);
        });
    }

    @Test
    void handsTheAdmissionLimitsToTheConnectionLayer() {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("test-env", Map.of(
                                "PEERLINK_MAX_HANDSHAKES", "10",
                                "PEERLINK_MAX_HANDSHAKES_PER_ADDRESS", "2",
                                "PEERLINK_HANDSHAKE_IDLE_TIMEOUT", "1500ms"))))
                .run(context -> {
                    var settings = PeerlinkConfiguration.connectionSettings(context.getBean(PeerlinkProperties.class));
                    assertThat(settings.maxHandshakes()).isEqualTo(10);
                    assertThat(settings.maxHandshakesPerAddress()).isEqualTo(2);
                    assertThat(settings.handshakeIdleTimeout()).isEqualTo(Duration.ofMillis(1500));
                    assertThat(settings.cryptoThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
                    assertThat(settings.cryptoQueue()).isEqualTo(16 * settings.cryptoThreads());
                });
    }

    @Test
    void handsTheContactReserveToTheConnectionLayer() {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("test-env", Map.of(
                                "PEERLINK_MAX_CONNECTIONS", "10",
                                "PEERLINK_RESERVED_CONNECTIONS_PERCENT", "35",
                                "PEERLINK_MAX_UNKNOWN_CONNECTIONS_PER_ADDRESS", "2"))))
                .run(context -> {
                    var settings = PeerlinkConfiguration.connectionSettings(context.getBean(PeerlinkProperties.class));
                    assertThat(settings.reservedConnections()).as("35 % of 10, rounded down").isEqualTo(3);
                    assertThat(settings.maxUnknownConnections()).isEqualTo(7);
                    assertThat(settings.maxUnknownConnectionsPerAddress()).isEqualTo(2);
                });
        runner.run(context -> {
            var settings = PeerlinkConfiguration.connectionSettings(context.getBean(PeerlinkProperties.class));
            assertThat(settings.reservedConnections()).as("by default 16 of 64").isEqualTo(16);
            assertThat(settings.maxUnknownConnections()).isEqualTo(48);
        });
    }

    @Test
    void refusesAValueOfTheWrongType() {
        runner.withPropertyValues("peerlink.handshake-timeout=soon").run(context -> {
            assertThat(context).hasFailed();
            assertThat(failure(context.getStartupFailure())).contains("peerlink.handshake-timeout");
        });
    }

    @Test
    void neverPrintsTheApiToken() {
        runner.withPropertyValues("peerlink.api-token=very-secret-token-very-secret-token").run(context -> {
            PeerlinkProperties p = context.getBean(PeerlinkProperties.class);
            assertThat(p.toString()).doesNotContain("very-secret-token").contains("apiToken=(set)");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"0123456789abcdef0123456789abcdef", "generate"})
    void takesATokenOfAtLeast32CharactersOrGenerate(String token) {
        runner.withPropertyValues("peerlink.api-token=" + token).run(context -> {
            PeerlinkProperties p = context.getBean(PeerlinkProperties.class);
            assertThat(p.apiTokenEnabled()).isTrue();
            assertThat(p.apiToken()).isEqualTo(token);
            assertThat(p.toString()).doesNotContain(token.equals("generate") ? "(set)" : token);
        });
    }
}
