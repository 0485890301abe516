package io.peerlink.transport;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * What every per-address limit counts in (docs/PROTOCOL.md section 8): an IPv4 address, or the /64
 * prefix of an IPv6 address, since a host usually has a whole /64 to pick addresses from. An
 * IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}, what a dual-stack socket may report for an
 * IPv4 client) is its IPv4 address.
 *
 * @param ipv6 whether {@code bits} is an IPv6 /64 prefix rather than an IPv4 address
 * @param bits the IPv4 address (low 32 bits) or the first 64 bits of the IPv6 address
 */
record SourceAddress(boolean ipv6, long bits) {

    static SourceAddress of(InetAddress address) {
        byte[] raw = address.getAddress();
        if (address instanceof Inet6Address && !isIpv4Mapped(raw)) {
            return new SourceAddress(true, ByteBuffer.wrap(raw).getLong());
        }
        // an Inet4Address, or the last 4 bytes of an IPv4-mapped one
        return new SourceAddress(false, Integer.toUnsignedLong(ByteBuffer.wrap(raw, raw.length - 4, 4).getInt()));
    }

    private static boolean isIpv4Mapped(byte[] raw) {
        if (raw.length != 16 || raw[10] != (byte) 0xff || raw[11] != (byte) 0xff) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code 192.0.2.1}, or {@code 2001:db8:0:1:0:0:0:0/64}. */
    @Override
    public String toString() {
        byte[] raw = ipv6 ? ByteBuffer.allocate(16).putLong(bits).array()
                : ByteBuffer.allocate(4).putInt((int) bits).array();
        try {
            return InetAddress.getByAddress(raw).getHostAddress() + (ipv6 ? "/64" : "");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes are always an address
        }
    }
}
