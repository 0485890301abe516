package io.peerlink.transport;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The invitation link {@code peerlink://<peerId>@<host>:<port>}: an address and the identity that
 * must answer there, so a connection made from it is pinned from the first byte (as Briar's
 * contact links carry the key).
 */
public final class Invite {

    public static final String SCHEME = "peerlink";

    private Invite() {
    }

    /** {@code peerlink://<peerId>@<address>}, {@code address} being {@code host:port}. */
    public static String format(String peerId, String address) {
        return SCHEME + "://" + peerId + "@" + address;
    }

    /** Parses an invite into a pinned target, or throws IllegalArgumentException saying what is wrong. */
    public static DialTarget parse(String invite) {
        URI uri;
        try {
            uri = new URI(invite.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a peerlink:// invite: " + e.getMessage());
        }
        if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals(SCHEME)) {
            throw new IllegalArgumentException("an invite starts with peerlink://");
        }
        if (uri.getRawAuthority() == null || uri.getRawUserInfo() == null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("an invite is peerlink://<peerId>@<host>:<port>, nothing more");
        }
        DialTarget target = DialTarget.parse(uri.getRawAuthority());
        if (target.pin() == null) {
            throw new IllegalArgumentException("the invite names no peerId");
        }
        return target;
    }
}
