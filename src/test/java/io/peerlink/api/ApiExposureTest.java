package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.PeerlinkApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mock.env.MockEnvironment;
import tools.jackson.databind.JsonNode;

/**
 * The API listens on loopback by default; beyond loopback it needs a token (set, or generated into
 * the data directory), or the peer does not start. Whole peers in this JVM, driven over HTTP.
 */
@ExtendWith(OutputCaptureExtension.class)
class ApiExposureTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.2.3", "::1", "[::1]", "localhost"})
    void loopbackAddressesAreLoopbackOnly(String address) {
        ApiBinding binding = ApiBinding.of(new MockEnvironment().withProperty("server.address", address));
        assertThat(binding.loopbackOnly()).isTrue();
        assertThat(binding.everyInterface()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "0.0.0.0", "::", "192.0.2.10", "10.1.2.3", "2001:db8::1", "no-such-host.invalid"})
    void anythingElseIsBeyondLoopback(String address) {
        ApiBinding binding = ApiBinding.of(new MockEnvironment().withProperty("server.address", address));
        assertThat(binding.loopbackOnly()).isFalse();
    }

    @Test
    void describesEveryInterface() {
        assertThat(ApiBinding.of(new MockEnvironment().withProperty("server.port", "8081")).describe())
                .isEqualTo("every network interface (server.address not set), port 8081");
        assertThat(ApiBinding.of(new MockEnvironment().withProperty("server.address", "0.0.0.0")).describe())
                .isEqualTo("0.0.0.0:8080 (every network interface)");
    }

    @Test
    void aPeerWithDefaultsListensOnLoopbackAndIsTheUsersWithoutAToken(@TempDir Path dir, CapturedOutput output) {
        try (RunningPeer peer = RunningPeer.start("defaults", dir.resolve("defaults"), null)) {
            assertThat(peer.context.getEnvironment().getProperty("server.address")).isEqualTo("127.0.0.1");
            assertThat(peer.getWithoutToken("/api/identity").statusCode()).isEqualTo(200);
            assertThat(peer.getWithoutToken("/actuator/prometheus").statusCode()).isEqualTo(200);
            // on loopback without a token, the caller is the user: health with its details
            JsonNode health = RunningPeer.json(peer.getWithoutToken("/actuator/health"));
            assertThat(health.at("/components/peers/details/listening").asBoolean()).isTrue();
        }
        assertThat(output.getOut()).doesNotContainIgnoringCase("generated security password")
                .doesNotContain("api-token");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", ""})
    void refusesToStartBeyondLoopbackWithoutAToken(String address, @TempDir Path dir, CapturedOutput output) {
        assertThatThrownBy(() -> RunningPeer.start("exposed", dir.resolve("exposed"), null,
                "server.address=" + address))
                .hasRootCauseInstanceOf(ApiExposedException.class);
        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains("The HTTP API would listen on " + (address.isEmpty()
                        ? "every network interface (server.address not set)" : "0.0.0.0:"))
                .contains("beyond loopback, without an API token")
                .contains("Set an API token of at least 32 characters: PEERLINK_API_TOKEN=<token>")
                .contains("PEERLINK_API_TOKEN=generate writes it to <data-dir>/api-token (mode 0600)")
                .contains("SERVER_ADDRESS=127.0.0.1");
        assertThat(dir.resolve("exposed/api-token")).doesNotExist();
    }

    @Test
    void refusesToStartWithAShortToken(@TempDir Path dir, CapturedOutput output) {
        assertThatThrownBy(() -> RunningPeer.start("short", dir.resolve("short"), "0123456789abcdef0123456789abcde"));
        assertThat(output.getOut() + output.getErr()).contains("api-token must be at least 32 characters")
                .doesNotContain("0123456789abcdef0123456789abcde");
    }

    @Test
    void aGeneratedTokenIsWrittenOwnerOnlyLoggedByPlaceAndNeeded(@TempDir Path dir, CapturedOutput output)
            throws Exception {
        Path data = dir.resolve("generated");
        String token;
        try (ConfigurableApplicationContext peer = new SpringApplicationBuilder(PeerlinkApplication.class).run(
                "--server.port=0", "--peerlink.listen-host=127.0.0.1", "--peerlink.listen-port=0",
                "--peerlink.data-dir=" + data, "--peerlink.key-size=2048", "--spring.main.banner-mode=off",
                "--peerlink.api-token=generate");
                HttpClient http = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + ((WebServerApplicationContext) peer).getWebServer().getPort();
            Path file = data.toAbsolutePath().resolve("api-token");
            token = Files.readString(file).strip();
            assertThat(token).hasSize(43);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(get(http, base + "/api/identity", null).statusCode()).isEqualTo(401);
            assertThat(get(http, base + "/api/identity", token).statusCode()).isEqualTo(200);
            // anonymous health: the status, nothing more
            JsonNode health = RunningPeer.json(get(http, base + "/actuator/health", null));
            assertThat(health.path("status").asString()).isEqualTo("UP");
            assertThat(health.has("components")).isFalse();
            assertThat(RunningPeer.json(get(http, base + "/actuator/health", token)).has("components")).isTrue();
            assertThat(output.getOut()).contains("API token generated and stored in " + file);
        }
        assertThat(output.getOut() + output.getErr()).doesNotContain(token);
    }

    private static HttpResponse<String> get(HttpClient http, String uri, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
