package io.peerlink.api;

import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the HTTP API's edge, bound from {@code peerlink.api.*} (environment:
 * {@code PEERLINK_API_ALLOWED_HOSTS=peer.example.org,192.0.2.10}). The API token itself is
 * {@code peerlink.api-token} ({@link io.peerlink.config.PeerlinkProperties}).
 *
 * @param allowedHosts host names (or IP addresses) a request's {@code Host} may name besides the
 *        loopback addresses, {@code localhost} and the address the API is bound to; compared without
 *        the port and ignoring case. Needed when the API is reached by a name (a reverse proxy, a
 *        name on the LAN, the host's address in front of a container's published port).
 */
@ConfigurationProperties("peerlink.api")
@Validated
public record ApiProperties(
        @DefaultValue List<@Pattern(regexp = HOST, message = HOST_MESSAGE) String> allowedHosts) {

    /** A DNS name, an IPv4 address or an IPv6 address (bare or in brackets); no port, no scheme, no wildcard. */
    static final String HOST = "[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9.])?|\\[?[0-9A-Fa-f:.]{2,45}]?";
    static final String HOST_MESSAGE = "must be a host name or an IP address, without scheme, port or wildcard "
            + "(e.g. peer.example.org or 192.0.2.10)";

    public ApiProperties {
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    }

    /** The allowed hosts as {@link HostAndOriginFilter} compares them: lower case, no brackets, no final dot. */
    List<String> normalizedAllowedHosts() {
        return allowedHosts.stream().map(ApiProperties::normalize).toList();
    }

    static String normalize(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
