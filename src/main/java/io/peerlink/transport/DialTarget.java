package io.peerlink.transport;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An address to dial, optionally pinned to one identity: {@code host:port} or
 * {@code peerId@host:port} (as libp2p addresses end in {@code /p2p/<id>}). A pinned target never
 * talks to another identity. The host is a name, an IPv4 address or a bracketed IPv6 address.
 *
 * @param host host name or address (IPv6 without brackets)
 * @param port 1 to 65535
 * @param pin the only peerId accepted there, or null (trust on first use)
 */
public record DialTarget(String host, int port, String pin) {

    private static final Pattern PEER_ID = Pattern.compile("[0-9a-fA-F]{64}");

    public DialTarget {
        pin = pin == null ? null : pin.toLowerCase(Locale.ROOT);
    }

    /** {@code host:port} as stored and shown (IPv6 in brackets). */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Parses {@code [peerId@]host:port}, or throws IllegalArgumentException saying what is wrong. */
    public static DialTarget parse(String value) {
        String s = value.strip();
        String pin = null;
        int at = s.indexOf('@');
        if (at >= 0) {
            pin = s.substring(0, at);
            if (!PEER_ID.matcher(pin).matches()) {
                throw new IllegalArgumentException("the part before @ must be a peerId (64 hex digits): " + value);
            }
            s = s.substring(at + 1);
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("not host:port: " + value);
        }
        String host = s.substring(0, colon);
        String portText = s.substring(colon + 1);
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                throw new IllegalArgumentException("bad IPv6 literal: " + value);
            }
            host = host.substring(1, host.length() - 1);
            if (!host.matches("[0-9A-Fa-f:.%\\w]+") || !host.contains(":")) {
                throw new IllegalArgumentException("bad IPv6 literal: " + value);
            }
        } else if (host.contains(":") || !host.matches("[A-Za-z0-9._-]+")) {
            // a bare IPv6 address is ambiguous with the port separator: it needs brackets
            throw new IllegalArgumentException("bad host: " + value);
        }
        if (!portText.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("bad port: " + value);
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + value);
        }
        return new DialTarget(host, port, pin);
    }
}
