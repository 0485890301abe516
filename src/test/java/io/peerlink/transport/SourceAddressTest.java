package io.peerlink.transport;

import static io.peerlink.transport.AdmissionTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** What the per-address limits count in: IPv4 per address, IPv6 per /64, IPv4-mapped IPv6 as IPv4. */
class SourceAddressTest {

    @Test
    void groupsIpv6ByItsSlash64() {
        SourceAddress a = SourceAddress.of(ip("2001:db8:aa:bb::1"));
        assertThat(SourceAddress.of(ip("2001:db8:aa:bb:1234:5678:9abc:def0"))).isEqualTo(a);
        assertThat(SourceAddress.of(ip("2001:db8:aa:bc::1"))).isNotEqualTo(a);
        assertThat(SourceAddress.of(ip("2001:db9:aa:bb::1"))).isNotEqualTo(a);
        assertThat(a).hasToString("2001:db8:aa:bb:0:0:0:0/64");
    }

    @Test
    void keepsEachIpv4AddressApart() {
        assertThat(SourceAddress.of(ip("192.0.2.1"))).isEqualTo(SourceAddress.of(ip("192.0.2.1")))
                .isNotEqualTo(SourceAddress.of(ip("192.0.2.2"))).hasToString("192.0.2.1");
        assertThat(SourceAddress.of(ip("255.255.255.255"))).hasToString("255.255.255.255");
    }

    @Test
    void countsAnIpv4MappedIpv6AddressAsItsIpv4Address() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(ip("192.0.2.1").getAddress(), 0, mapped, 12, 4);
        InetAddress v6 = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(v6).isInstanceOf(Inet6Address.class);
        assertThat(SourceAddress.of(v6)).isEqualTo(SourceAddress.of(ip("192.0.2.1")));
        // the /64 of ::ffff:0:0 is all zeros: the mapped addresses must not share one key
        assertThat(SourceAddress.of(v6)).isNotEqualTo(SourceAddress.of(ip("::ffff:192.0.2.2")));
    }

    @Test
    void doesNotConfuseAnIpv6PrefixWithAnIpv4Address() {
        // ::1 is in the /64 0, and 0.0.0.0 is the IPv4 value 0
        assertThat(SourceAddress.of(ip("::1"))).isNotEqualTo(SourceAddress.of(ip("0.0.0.0")));
    }
}
