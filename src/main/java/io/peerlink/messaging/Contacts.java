package io.peerlink.messaging;

import io.peerlink.transport.DialTarget;
import io.peerlink.transport.PeerConnectionException;
import io.peerlink.transport.PeerDirectory;
import io.peerlink.identity.Fingerprints;
import io.peerlink.store.Relation;
import io.peerlink.store.Store;
import io.peerlink.store.StoredPeer;
import io.peerlink.store.Trust;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

/**
 * The known peers as contacts: names (aliases) and trust. Resolves what the API takes as a peer
 * (a peerId, a fingerprint, or an alias) and composes each peer's view from the directory (its
 * connection) and the store (its name, trust and addresses).
 *
 * <p>Thread-safe: every change is one store write.
 */
final class Contacts {

    static final int MAX_ALIAS = 64;
    private static final Pattern PEER_ID_LIKE = Pattern.compile("[\\s:]*(?:[0-9A-Fa-f][\\s:]*){64}");

    private final Store store;
    private final PeerDirectory directory;
    /** The peerIds pinned in {@code peerlink.connect} ({@code peerId@host:port}). */
    private final Set<String> pinned;
    private final Relations relations;

    Contacts(Store store, PeerDirectory directory, List<DialTarget> connect, Relations relations) {
        this.store = store;
        this.directory = directory;
        this.pinned = connect.stream().map(DialTarget::pin).filter(pin -> pin != null).collect(Collectors.toSet());
        this.relations = relations;
    }

    /**
     * Whether {@code peerId} is a contact, for the transport's connection slots
     * ({@link io.peerlink.transport.PeerStanding}): a peer whose relation is CONTACT (this peer dialled
     * it, or the user accepted it), or one pinned in {@code peerlink.connect}. Asked after the
     * handshake, before the connection is attached; never waits for the store.
     */
    boolean isContact(String peerId) {
        return pinned.contains(peerId) || relations.relation(peerId).map(r -> r == Relation.CONTACT).orElse(false);
    }

    /** The known peer that {@code peerIdOrAlias} names, if any. */
    Optional<String> resolve(String peerIdOrAlias) {
        if (peerIdOrAlias == null || peerIdOrAlias.isBlank()) {
            return Optional.empty();
        }
        String s = peerIdOrAlias.strip();
        if (PEER_ID_LIKE.matcher(s).matches()) {
            String id = Fingerprints.normalise(s);
            return directory.isKnown(id) ? Optional.of(id) : Optional.empty();
        }
        return store.peers().findByAlias(s).map(StoredPeer::peerId).filter(directory::isKnown);
    }

    /**
     * The recipient {@code to} names; when {@code to} is empty, the one connected peer (refused when
     * none or several are connected).
     */
    String recipient(String to) {
        if (to == null || to.isBlank()) {
            List<String> connected = directory.connectedPeerIds();
            if (connected.size() == 1) {
                return connected.getFirst();
            }
            throw new PeerConnectionException(PeerConnectionException.Kind.NO_RECIPIENT, connected.isEmpty()
                    ? "no peer is connected: connect one first (POST /api/peers), or say which known peer with \"to\""
                    : connected.size() + " peers are connected: say which one with \"to\"");
        }
        return resolve(to).orElseThrow(() -> new PeerConnectionException(
                PeerConnectionException.Kind.UNKNOWN_PEER, "no peer " + to + " is known: connect it first (POST /api/peers)"));
    }

    /** Like {@link #resolve}, or UNKNOWN_PEER. */
    String require(String peerIdOrAlias) {
        return resolve(peerIdOrAlias).orElseThrow(() -> new PeerConnectionException(
                PeerConnectionException.Kind.UNKNOWN_PEER, "no peer " + peerIdOrAlias + " is known"));
    }

    Optional<PeerView> view(String peerId) {
        return directory.presence(peerId).map(this::view);
    }

    /** Every known peer, first seen first. */
    List<PeerView> views() {
        return directory.presences().stream().map(this::view).toList();
    }

    /** The directory's side of a peer (its connection) with the store's (its name, trust, addresses). */
    private PeerView view(PeerDirectory.Presence p) {
        String peerId = p.key().peerId();
        Optional<StoredPeer> stored = store.peers().find(peerId);
        return new PeerView(peerId, p.key().fingerprint(), p.safetyNumber(), p.address(), p.direction(),
                p.connected() ? PeerState.CONNECTED : PeerState.DISCONNECTED, p.connectedAt(), p.key().pem(),
                p.firstSeen(), p.lastSeen(), store.messages().undeliveredCount(peerId),
                stored.map(StoredPeer::alias).orElse(null), stored.map(StoredPeer::trust).orElse(Trust.UNVERIFIED),
                stored.map(StoredPeer::verifiedAt).orElse(null), store.peers().addresses(peerId),
                relations.relation(peerId).orElse(stored.map(StoredPeer::relation).orElse(Relation.REQUEST)),
                p.relayId());
    }

    /**
     * Names the peer ({@code alias} null clears the name). An alias is 1 to 64 characters, no
     * control characters, not a peerId lookalike, and unique among known peers (ignoring case).
     */
    PeerView rename(String peerIdOrAlias, String alias) {
        String id = require(peerIdOrAlias);
        String clean = alias == null ? null : alias.strip();
        if (clean != null) {
            String problem = aliasProblem(clean);
            if (problem != null) {
                throw new PeerConnectionException(PeerConnectionException.Kind.INVALID, "alias " + problem);
            }
        }
        if (!PeerConnectionService.await(store.setAlias(id, clean))) {
            throw new PeerConnectionException(PeerConnectionException.Kind.ALIAS_TAKEN,
                    "another peer is already called \"" + clean + "\"");
        }
        return view(id).orElseThrow();
    }

    /** Marks the peer VERIFIED when {@code safetyNumber} (spaces ignored) is its safety number. */
    PeerView verify(String peerIdOrAlias, String safetyNumber) {
        String id = require(peerIdOrAlias);
        PeerView peer = view(id).orElseThrow();
        String given = safetyNumber == null ? "" : safetyNumber.replaceAll("\\s", "");
        if (!java.security.MessageDigest.isEqual(given.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                peer.safetyNumber().replace(" ", "").getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            throw new PeerConnectionException(PeerConnectionException.Kind.SAFETY_NUMBER_MISMATCH,
                    "that is not the safety number of " + id + " with this peer: compare it again, digit by digit "
                            + "(a different number means another key, or someone in between)");
        }
        PeerConnectionService.await(store.verify(id));
        return view(id).orElseThrow();
    }

    PeerView unverify(String peerIdOrAlias) {
        String id = require(peerIdOrAlias);
        PeerConnectionService.await(store.unverify(id));
        return view(id).orElseThrow();
    }

    /** Why {@code alias} cannot be one, or null when it can. */
    static String aliasProblem(String alias) {
        if (alias.isEmpty()) {
            return "must not be empty (send null to clear it)";
        }
        if (alias.codePointCount(0, alias.length()) > MAX_ALIAS) {
            return "must be at most " + MAX_ALIAS + " characters";
        }
        if (alias.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                || Character.getType(c) == Character.SURROGATE || Character.getType(c) == Character.LINE_SEPARATOR
                || Character.getType(c) == Character.PARAGRAPH_SEPARATOR)) {
            return "must not contain control characters";
        }
        if (PEER_ID_LIKE.matcher(alias).matches()) {
            return "must not look like a peerId";
        }
        return null;
    }
}
