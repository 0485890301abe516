package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

/** Without a token, an API reachable beyond loopback is said so at start-up, once. */
class ApiSecurityWarningTest {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ApiSecurity.class);

    @BeforeEach
    void capture() {
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        appender.stop();
    }

    private List<String> warnings() {
        synchronized (appender) {
            return appender.list.stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Test
    void warnsWhenNoAddressIsSet() {
        ApiSecurity.warnIfReachableBeyondLoopback(new MockEnvironment().withProperty("server.port", "8081"));
        assertThat(warnings()).singleElement().asString()
                .contains("peerlink.api-token is not set", "all network interfaces", "port 8081",
                        "anyone who can reach it can read and send this peer's messages", "PEERLINK_API_TOKEN",
                        "SERVER_ADDRESS=127.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "192.0.2.10", "10.1.2.3", "2001:db8::1", "no-such-host.invalid"})
    void warnsWhenTheAddressIsNotLoopback(String address) {
        ApiSecurity.warnIfReachableBeyondLoopback(new MockEnvironment().withProperty("server.address", address));
        assertThat(warnings()).singleElement().asString()
                .contains("listens on " + address, "not a loopback address", "PEERLINK_API_TOKEN");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.2.3", "::1", "localhost"})
    void staysQuietOnLoopback(String address) {
        ApiSecurity.warnIfReachableBeyondLoopback(new MockEnvironment().withProperty("server.address", address));
        assertThat(warnings()).isEmpty();
    }

    // A whole peer: Spring Boot sets logging up anew at start, so these read the console output.

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aWholePeerWarnsOnceWithoutTokenAndAddress(@TempDir Path dir, CapturedOutput output) {
        try (RunningPeer open = RunningPeer.start("open", dir.resolve("open"), null)) {
            assertThat(open.getWithoutToken("/api/identity").statusCode()).isEqualTo(200);
            assertThat(open.getWithoutToken("/actuator/prometheus").statusCode()).isEqualTo(200);
        }
        assertThat(output.getOut().lines().filter(line -> line.contains(" WARN ")
                && line.contains("peerlink.api-token is not set")))
                .singleElement().asString().contains("all network interfaces");
        assertThat(output.getOut()).doesNotContainIgnoringCase("generated security password");
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aWholePeerOnLoopbackOrWithATokenIsQuiet(@TempDir Path dir, CapturedOutput output) {
        try (RunningPeer loopback = RunningPeer.start("loopback", dir.resolve("loopback"), null,
                "server.address=127.0.0.1")) {
            assertThat(loopback.getWithoutToken("/api/identity").statusCode()).isEqualTo(200);
        }
        try (RunningPeer guarded = RunningPeer.start("guarded", dir.resolve("guarded"), "a-token")) {
            assertThat(guarded.getWithoutToken("/api/identity").statusCode()).isEqualTo(401);
        }
        assertThat(output.getOut()).contains("Tomcat started on port")
                .doesNotContain("peerlink.api-token is not set")
                .doesNotContain("a-token")
                .doesNotContainIgnoringCase("generated security password");
    }
}
