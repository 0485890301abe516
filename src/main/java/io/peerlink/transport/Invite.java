package io.peerlink.transport;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The invitation link {@code peerlink://<peerId>@<host>:<port>?relay=<relayId>@<host>:<port>}: an
 * address, the identity that must answer there (so a connection made from it is pinned from the
 * first byte, as Briar's contact links carry the key), and the relays through which that identity
 * can be reached (docs/PROTOCOL.md section 3). The direct address may be absent when relays are
 * given ({@code peerlink://<peerId>?relay=...}); {@code relay} may repeat.
 */
public final class Invite {

    public static final String SCHEME = "peerlink";
    /** The query parameter that names a relay; repeatable. */
    public static final String RELAY = "relay";
    /** Query parameters an invite may carry. */
    private static final Set<String> KNOWN_PARAMETERS = Set.of(RELAY);
    private static final Pattern PEER_ID = Pattern.compile("[0-9a-f]{64}");

    /**
     * A parsed invite.
     *
     * @param peerId the identity that answers (lowercase hex)
     * @param direct the direct address pinned to {@code peerId}, or null
     * @param relays the relays named (each pinned to its relayId), in order
     * @param parameters every query parameter, by name, values in order (decoded)
     */
    public record Link(String peerId, DialTarget direct, List<DialTarget> relays, Map<String, List<String>> parameters) {
        public Link {
            relays = List.copyOf(relays);
            parameters = Map.copyOf(parameters);
        }
    }

    private Invite() {
    }

    /** {@code peerlink://<peerId>@<address>}, {@code address} being {@code host:port}. */
    public static String format(String peerId, String address) {
        return format(peerId, address, List.of());
    }

    /** The invite of {@code peerId} at {@code address} (null: none) with its {@code relays}. */
    public static String format(String peerId, String address, List<DialTarget> relays) {
        StringBuilder b = new StringBuilder(SCHEME).append("://").append(peerId);
        if (address != null) {
            b.append('@').append(address);
        }
        char sep = '?';
        for (DialTarget r : relays) {
            b.append(sep).append(RELAY).append('=').append(r.pin()).append('@').append(r.address());
            sep = '&';
        }
        return b.toString();
    }

    /** Parses an invite that names a direct address into its pinned target (relays are ignored). */
    public static DialTarget parse(String invite) {
        Link link = parseLink(invite);
        if (link.direct() == null) {
            throw new IllegalArgumentException("the invite names no direct address, only relays");
        }
        return link.direct();
    }

    /** Parses an invite, or throws IllegalArgumentException saying what is wrong. */
    public static Link parseLink(String invite) {
        URI uri;
        try {
            uri = new URI(invite.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a peerlink:// invite: " + e.getMessage());
        }
        if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals(SCHEME)) {
            throw new IllegalArgumentException("an invite starts with peerlink://");
        }
        if (uri.getRawAuthority() == null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("an invite is peerlink://<peerId>@<host>:<port>[?relay=<relayId>@<host>:<port>...]");
        }
        Map<String, List<String>> parameters = parameters(uri.getRawQuery());
        List<DialTarget> relays = new ArrayList<>();
        for (String value : parameters.getOrDefault(RELAY, List.of())) {
            DialTarget relay;
            try {
                relay = DialTarget.parse(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad relay parameter: " + e.getMessage());
            }
            if (relay.pin() == null) {
                throw new IllegalArgumentException("a relay parameter is <relayId>@<host>:<port>: " + value);
            }
            relays.add(relay);
        }
        String authority = uri.getRawAuthority();
        if (uri.getRawUserInfo() == null) {
            // peerlink://<peerId>?relay=...: no direct address
            String peerId = authority.toLowerCase(Locale.ROOT);
            if (!PEER_ID.matcher(peerId).matches()) {
                throw new IllegalArgumentException("the invite names no peerId");
            }
            if (relays.isEmpty()) {
                throw new IllegalArgumentException("an invite without an address must name at least one relay");
            }
            return new Link(peerId, null, relays, parameters);
        }
        DialTarget target = DialTarget.parse(authority);
        if (target.pin() == null) {
            throw new IllegalArgumentException("the invite names no peerId");
        }
        return new Link(target.pin(), target, relays, parameters);
    }

    /** The query's parameters, decoded; an unknown name or a malformed pair is refused. */
    private static Map<String, List<String>> parameters(String rawQuery) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a query parameter is name=value: '" + pair + "'");
            }
            String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!KNOWN_PARAMETERS.contains(name)) {
                throw new IllegalArgumentException("unknown invite parameter '" + name + "' (known: "
                        + String.join(", ", new TreeSet<>(KNOWN_PARAMETERS)) + ")");
            }
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return out;
    }
}
