package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

/**
 * Which hosts the API answers for, beyond the loopback ones ({@code HttpEdgeTest} drives those and
 * the Origin check over real sockets): {@code peerlink.api.allowed-hosts} and the bound address.
 */
class HostAndOriginFilterTest {

    private static HostAndOriginFilter filter(String serverAddress, String... allowedHosts) {
        MockEnvironment env = new MockEnvironment();
        if (serverAddress != null) {
            env.setProperty("server.address", serverAddress);
        }
        return new HostAndOriginFilter(ApiBinding.of(env), new ApiProperties(List.of(allowedHosts)),
                (request, response, handler, e) -> null);
    }

    @Test
    void answersTheAllowedHostsIgnoringCaseAndPort() {
        HostAndOriginFilter f = filter("127.0.0.1", "peer.example.org", "192.0.2.10", "[2001:db8::1]", "Chat.Example.");
        assertThat(f.isAllowedHost("peer.example.org")).isTrue();
        assertThat(f.isAllowedHost("PEER.example.org")).isTrue();
        assertThat(f.isAllowedHost("peer.example.org.")).isTrue();
        assertThat(f.isAllowedHost("chat.example")).isTrue();
        assertThat(f.isAllowedHost("192.0.2.10")).isTrue();
        assertThat(f.isAllowedHost("[2001:db8::1]")).isTrue();
        assertThat(f.isAllowedHost("[2001:db8:0:0:0:0:0:1]")).as("the same address spelt out").isTrue();
        assertThat(f.isAllowedHost("other.example.org")).isFalse();
        assertThat(f.isAllowedHost("example.org")).isFalse();
        assertThat(f.isAllowedHost("xpeer.example.org")).isFalse();
        assertThat(f.isAllowedHost("192.0.2.11")).isFalse();
        assertThat(f.isAllowedHost("")).isFalse();
        assertThat(f.isAllowedHost(null)).isFalse();
    }

    @Test
    void answersTheAddressItIsBoundTo() {
        HostAndOriginFilter literal = filter("192.0.2.20");
        assertThat(literal.isAllowedHost("192.0.2.20")).isTrue();
        assertThat(literal.isAllowedHost("192.0.2.21")).isFalse();
        assertThat(literal.isAllowedHost("127.0.0.1")).isTrue();
        assertThat(literal.isAllowedHost("attacker.example")).isFalse();

        HostAndOriginFilter name = new HostAndOriginFilter(new ApiBinding("peer.lan", "8080", null),
                new ApiProperties(List.of()), (request, response, handler, e) -> null);
        assertThat(name.isAllowedHost("peer.lan")).isTrue();
        assertThat(name.isAllowedHost("Peer.LAN")).isTrue();
        assertThat(name.isAllowedHost("other.lan")).isFalse();
    }

    @Test
    void onEveryInterfaceAnswersThisMachinesAddressesButNotTheWildcard() throws Exception {
        for (String wildcard : new String[] {"0.0.0.0", ""}) {
            HostAndOriginFilter f = filter(wildcard);
            assertThat(f.isAllowedHost("0.0.0.0")).isFalse();
            assertThat(f.isAllowedHost("[::]")).isFalse();
            assertThat(f.isAllowedHost("192.0.2.99")).isFalse();
            assertThat(f.isAllowedHost("127.0.0.1")).isTrue();
            assertThat(f.isAllowedHost("localhost")).isTrue();
            Optional<InetAddress> own = NetworkInterface.networkInterfaces()
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                    .findFirst();
            own.ifPresent(a -> assertThat(f.isAllowedHost(a.getHostAddress())).as(a.toString()).isTrue());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ApiProperties.class)
    static class Config {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Config.class);

    @Test
    void bindsAllowedHostsFromTheEnvironment() {
        runner.withPropertyValues("peerlink.api.allowed-hosts=peer.example.org,192.0.2.10,[::1]").run(context ->
                assertThat(context.getBean(ApiProperties.class).normalizedAllowedHosts())
                        .containsExactly("peer.example.org", "192.0.2.10", "::1"));
        runner.run(context -> assertThat(context.getBean(ApiProperties.class).allowedHosts()).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "*.example.org", "http://peer.example.org", "peer.example.org:8080", "peer example",
        "peer.example.org/", "-peer.example.org"})
    void refusesAnAllowedHostThatIsNoHost(String value) {
        runner.withPropertyValues("peerlink.api.allowed-hosts=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("allowedHosts")
                    .hasMessageContaining("must be a host name or an IP address, without scheme, port or wildcard");
        });
    }
}
