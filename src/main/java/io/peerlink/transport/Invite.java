package io.peerlink.transport;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The invitation link (docs/PROTOCOL.md section 3):
 * {@code peerlink://<peerId>@<host>:<port>[?<name>=<value>[&...]]}, an address and the identity that
 * must answer there, so a connection made from it is pinned from the first byte (as Briar's contact
 * links carry the key). Query parameters, in any order and combined freely:
 * <ul>
 * <li>{@code grant=<token>} (at most once): a one-time grant of the inviting peer, base64url without
 * padding, 16 to 64 bytes; the dialler presents it once after the handshake (GRANT, section 8.2) and
 * is then a contact there without an accept;</li>
 * <li>{@code relay=<relayId>@<host>:<port>} (may repeat): a relay the inviting peer is reachable
 * through (the relay section); with at least one, the direct address may be absent:
 * {@code peerlink://<peerId>?relay=...}.</li>
 * </ul>
 * Names and values are percent-decoded. An unknown parameter, an empty value or a parameter given
 * twice that may appear once is refused, as a misspelt field of the API is: an invite is never
 * half understood.
 *
 * @param peerId the inviting peer (lowercase hex), the pin of every connection made from the invite
 * @param direct its direct address, pinned to {@code peerId}; null when the invite names relays only
 * @param relays the relays it is reachable through, each pinned to its relayId (empty: none)
 * @param grant the one-time grant token as written in the invite (base64url), or null
 */
public record Invite(String peerId, DialTarget direct, List<DialTarget> relays, String grant) {

    public static final String SCHEME = "peerlink";
    /** Query parameter of the one-time grant. */
    public static final String GRANT = "grant";
    /** Query parameter of a relay. */
    public static final String RELAY = "relay";
    /** Bytes of a grant token at least and at most (docs/PROTOCOL.md section 8.2). */
    public static final int MIN_GRANT_BYTES = 16;
    public static final int MAX_GRANT_BYTES = 64;

    private static final Pattern PEER_ID = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String PREFIX = SCHEME + "://";

    public Invite {
        relays = List.copyOf(relays);
    }

    /** {@code peerlink://<peerId>@<address>}, {@code address} being {@code host:port}. */
    public static String format(String peerId, String address) {
        return PREFIX + peerId + "@" + address;
    }

    /** {@code peerlink://<peerId>@<address>?grant=<grant>}. */
    public static String format(String peerId, String address, String grant) {
        return format(peerId, address, List.of(), grant);
    }

    /** The invite of {@code peerId} at {@code address} (null: none) with its {@code relays}. */
    public static String format(String peerId, String address, List<DialTarget> relays) {
        return format(peerId, address, relays, null);
    }

    /**
     * The invite of {@code peerId} at {@code address} (null: none, then at least one relay), with its
     * {@code relays} and a one-time {@code grant} (null: none).
     */
    public static String format(String peerId, String address, List<DialTarget> relays, String grant) {
        StringBuilder b = new StringBuilder(PREFIX).append(peerId);
        if (address != null) {
            b.append('@').append(address);
        }
        char sep = '?';
        for (DialTarget r : relays) {
            b.append(sep).append(RELAY).append('=').append(r.pin()).append('@').append(r.address());
            sep = '&';
        }
        if (grant != null) {
            b.append(sep).append(GRANT).append('=').append(grant);
        }
        return b.toString();
    }

    /** Parses an invite into its direct, pinned target, or throws IllegalArgumentException saying what is wrong. */
    public static DialTarget parse(String invite) {
        return read(invite).target();
    }

    /** The direct address to dial, pinned; IllegalArgumentException when the invite names relays only. */
    public DialTarget target() {
        if (direct == null) {
            throw new IllegalArgumentException("the invite has no direct address, only relays");
        }
        return direct;
    }

    /** The grant's token bytes, or null when the invite carries none. */
    public byte[] grantBytes() {
        return grant == null ? null : Base64.getUrlDecoder().decode(grant);
    }

    /** Parses a whole invite, or throws IllegalArgumentException saying what is wrong. */
    public static Invite read(String invite) {
        String s = invite.strip();
        if (!s.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            String shown = s.length() > 100 ? s.substring(0, 100) + "..." : s;
            throw new IllegalArgumentException("an invite starts with peerlink://, not '" + shown + "'");
        }
        s = s.substring(PREFIX.length());
        if (s.indexOf('#') >= 0) {
            throw new IllegalArgumentException("an invite has no fragment (#...)");
        }
        String query = null;
        int q = s.indexOf('?');
        if (q >= 0) {
            query = s.substring(q + 1);
            s = s.substring(0, q);
        }
        if (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.indexOf('/') >= 0) {
            throw new IllegalArgumentException("an invite is peerlink://<peerId>@<host>:<port>[?parameters], with no "
                    + "path");
        }
        String grant = null;
        List<DialTarget> relays = new ArrayList<>();
        if (query != null) {
            if (query.isEmpty()) {
                throw new IllegalArgumentException("an invite's query is empty: leave the ? out");
            }
            for (String pair : query.split("&", -1)) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("invite parameter '" + name + "' has no value");
                }
                switch (name) {
                    case GRANT -> {
                        if (grant != null) {
                            throw new IllegalArgumentException("an invite carries at most one grant");
                        }
                        grant = checkGrant(value);
                    }
                    case RELAY -> {
                        DialTarget relay = DialTarget.parse(value);
                        if (relay.pin() == null) {
                            throw new IllegalArgumentException("a relay is <relayId>@<host>:<port>: " + value);
                        }
                        relays.add(relay);
                    }
                    default -> throw new IllegalArgumentException("unknown invite parameter '" + name + "' (this peer "
                            + "knows " + GRANT + " and " + RELAY + ")");
                }
            }
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("the invite names no peerId");
        }
        if (s.indexOf('@') < 0) {
            // peerlink://<peerId>?relay=...: reachable through relays only
            if (!PEER_ID.matcher(s).matches()) {
                throw new IllegalArgumentException("the invite names no peerId: peerlink://<peerId>@<host>:<port>");
            }
            if (relays.isEmpty()) {
                throw new IllegalArgumentException("an invite without an address must name a relay (relay=...)");
            }
            return new Invite(s.toLowerCase(Locale.ROOT), null, relays, grant);
        }
        DialTarget direct = DialTarget.parse(s);
        return new Invite(direct.pin(), direct, relays, grant);
    }

    private static String checkGrant(String value) {
        if (!BASE64URL.matcher(value).matches() || value.length() % 4 == 1) {
            throw new IllegalArgumentException("the grant is not base64url without padding");
        }
        int bytes = value.length() * 3 / 4;
        if (bytes < MIN_GRANT_BYTES || bytes > MAX_GRANT_BYTES) {
            throw new IllegalArgumentException("the grant has " + bytes + " bytes; it must have " + MIN_GRANT_BYTES
                    + " to " + MAX_GRANT_BYTES);
        }
        return value;
    }

    private static String decode(String part) {
        if (part.indexOf('+') >= 0) {
            // '+' means a space to URLDecoder; nothing in an invite has one, so it is refused as garbage
            throw new IllegalArgumentException("an invite parameter has a '+': " + part);
        }
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad percent-encoding in an invite parameter: " + part);
        }
    }

    @Override
    public String toString() {
        // the grant is a secret: never in a log line
        return "Invite[" + peerId + ", direct=" + (direct == null ? null : direct.address()) + ", relays="
                + relays.stream().map(DialTarget::address).toList() + ", grant=" + (grant == null ? "none" : "yes")
                + "]";
    }
}
