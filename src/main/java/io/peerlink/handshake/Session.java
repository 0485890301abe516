package io.peerlink.handshake;

import io.peerlink.crypto.CipherState;
import io.peerlink.identity.PeerKey;

/**
 * The outcome of a completed handshake: the authenticated peer, one cipher per direction and the
 * final transcript hash. The ciphers are handed to the record layer, which owns them from then on.
 */
public final class Session {

    private final Handshake.Role role;
    private final int version;
    private final PeerKey peer;
    private final CipherState send;
    private final CipherState receive;
    private final byte[] handshakeHash;

    Session(Handshake.Role role, int version, PeerKey peer, CipherState send, CipherState receive, byte[] handshakeHash) {
        this.role = role;
        this.version = version;
        this.peer = peer;
        this.send = send;
        this.receive = receive;
        this.handshakeHash = handshakeHash;
    }

    public Handshake.Role role() {
        return role;
    }

    public int version() {
        return version;
    }

    /** The peer's identity, proven by key confirmation. */
    public PeerKey peer() {
        return peer;
    }

    public CipherState sendCipher() {
        return send;
    }

    public CipherState receiveCipher() {
        return receive;
    }

    public byte[] handshakeHash() {
        return handshakeHash.clone();
    }

    @Override
    public String toString() {
        return "Session[" + role + ", v" + version + ", peer=" + peer.peerId() + "]";
    }
}
