package io.peerlink.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.messaging.Delivery;
import io.peerlink.messaging.Quotas;
import io.peerlink.transport.PeerConnection;
import io.peerlink.wire.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * docs/PROTOCOL.md section 8 states each configurable limit as "`name`, N unit by default": every
 * such number is read from the spec and compared with what the code binds when nothing is set, and
 * with the wire and messaging constants behind it.
 */
class SpecLimitsTest {

    private static final Pattern DEFAULT = Pattern.compile(
            "`([a-z.-]+)`, ([0-9]+) ?(KiB|MiB|GiB|s|UTF-8 bytes)? by default");

    @Test
    void everyDefaultInTheLimitsSectionIsTheCodesDefault() throws IOException {
        Map<String, Long> spec = specDefaults();
        PeerlinkProperties defaults = new Binder(new MapConfigurationPropertySource())
                .bindOrCreate("peerlink", PeerlinkProperties.class);
        Quotas quotas = defaults.quotas();
        Limits limits = defaults.limits();

        Map<String, Long> code = new LinkedHashMap<>();
        code.put("max-frame-bytes", (long) limits.maxFrameLength());
        code.put("max-message-bytes", (long) limits.maxMessageBytes());
        code.put("handshake-timeout", defaults.handshakeTimeout().toSeconds());
        code.put("handshake-idle-timeout", defaults.handshakeIdleTimeout().toSeconds());
        code.put("idle-timeout", defaults.idleTimeout().toSeconds());
        code.put("max-connections", (long) defaults.maxConnections());
        code.put("max-handshakes", (long) defaults.maxHandshakes());
        code.put("max-handshakes-per-address", (long) defaults.maxHandshakesPerAddress());
        code.put("max-unknown-connections-per-address", (long) defaults.maxUnknownConnectionsPerAddress());
        code.put("requests.max-messages", (long) quotas.requestMaxMessages());
        code.put("requests.max-bytes", quotas.requestMaxBytes());
        code.put("requests.total-bytes", quotas.requestTotalBytes());
        code.put("peer-storage-quota", quotas.peerStorageQuota());
        code.put("min-free-disk", quotas.minFreeDisk());
        code.put("invites.max-open-grants", (long) defaults.invites().maxOpenGrants());
        assertThat(spec).as("the defaults docs/PROTOCOL.md section 8 states").containsAllEntriesOf(code);
        assertThat(code.keySet()).as("every default the spec states is checked here")
                .containsAll(spec.keySet());

        // the bound defaults are the constants the code uses when nothing is configured
        assertThat(limits).isEqualTo(Limits.DEFAULTS);
        assertThat(quotas).isEqualTo(Quotas.DEFAULTS);
    }

    @Test
    void theFixedLimitsInTheSpecAreTheCodes() throws IOException {
        String limits = section8();
        assertThat(limits).contains("| " + Delivery.WINDOW_MESSAGES + " messages and "
                + Delivery.WINDOW_BYTES / (1024 * 1024) + " MiB of text");
        assertThat(limits).contains("| " + PeerConnection.MAX_UNACKNOWLEDGED + " per connection |");
    }

    private static Map<String, Long> specDefaults() throws IOException {
        Map<String, Long> found = new LinkedHashMap<>();
        Matcher m = DEFAULT.matcher(section8());
        while (m.find()) {
            long n = Long.parseLong(m.group(2));
            String unit = m.group(3) == null ? "" : m.group(3);
            long factor = switch (unit) {
                case "KiB" -> 1024L;
                case "MiB" -> 1024L * 1024;
                case "GiB" -> 1024L * 1024 * 1024;
                default -> 1;
            };
            found.put(m.group(1), n * factor);
        }
        return found;
    }

    private static String section8() throws IOException {
        String spec = Files.readString(Path.of("docs/PROTOCOL.md"));
        int from = spec.indexOf("## 8. Limits");
        int to = spec.indexOf("## 9. Errors and close codes");
        assertThat(from).as("section 8 of docs/PROTOCOL.md").isNotNegative();
        return spec.substring(from, to);
    }
}
