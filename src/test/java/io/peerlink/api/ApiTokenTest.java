package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code peerlink.api-token}: none, as given, or generated once into the data directory. */
class ApiTokenTest {

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ApiToken.class);

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

    private List<String> logLines() {
        synchronized (appender) {
            return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }

    @Test
    void noTokenIsNone() {
        assertThat(ApiToken.resolve("", dir)).isNull();
        assertThat(ApiToken.resolve(null, dir)).isNull();
        assertThat(dir.resolve("api-token")).doesNotExist();
    }

    @Test
    void aConfiguredTokenIsTakenAsItIsAndWritesNothing() {
        assertThat(ApiToken.resolve("0123456789abcdef0123456789abcdef", dir)).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(dir.resolve("api-token")).doesNotExist();
    }

    @Test
    void generatesAnOwnerOnlyTokenFileOnceAndLogsWhereNeverWhat() throws Exception {
        Path data = dir.resolve("data/nested");   // not there yet: created on the way
        String token = ApiToken.resolve("generate", data);
        Path file = data.resolve("api-token");

        assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(token + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(data.resolve("api-token.tmp")).doesNotExist();
        assertThat(logLines()).singleElement().asString()
                .startsWith("INFO API token generated and stored in " + file.toAbsolutePath())
                .doesNotContain(token);

        // the next start keeps it
        assertThat(ApiToken.resolve("generate", data)).isEqualTo(token);
        assertThat(logLines()).hasSize(2).last().asString()
                .startsWith("INFO API token read from " + file.toAbsolutePath()).doesNotContain(token);
        // and a new data directory gets another one
        assertThat(ApiToken.resolve("generate", dir.resolve("other"))).isNotEqualTo(token).hasSize(43);
    }

    @Test
    void makesATokenFileThatOthersCouldReadOwnerOnlyAndSaysSo() throws Exception {
        Path file = dir.resolve("api-token");
        Files.writeString(file, "a-token-someone-wrote-by-hand-0123456789\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(ApiToken.resolve("generate", dir)).isEqualTo("a-token-someone-wrote-by-hand-0123456789");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(logLines()).anySatisfy(line -> assertThat(line)
                .startsWith("WARN " + file.toAbsolutePath() + " was rw-r--r--, now rw------- (0600)")
                .doesNotContain("a-token-someone"));
    }

    @Test
    void refusesATokenFileWithoutAGoodToken() throws Exception {
        Path file = dir.resolve("api-token");
        for (String content : new String[] {"", "\n", "short\n", "generate\n"}) {
            Files.writeString(file, content);
            assertThatThrownBy(() -> ApiToken.resolve("generate", dir))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(file.toAbsolutePath() + " holds no token of at least 32 characters")
                    .hasMessageContaining("delete it and the peer writes a new one");
        }
    }
}
