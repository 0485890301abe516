package io.peerlink.identity;

import io.peerlink.crypto.SymmetricState;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HexFormat;

/**
 * A peer's long-term RSA identity: its key pair and the names derived from the public key. The
 * private key decrypts RSA-OAEP in the handshake and signs (RSA-PSS) only the two labelled structures
 * of docs/PROTOCOL.md section 13: prekeys and sealing keys.
 */
public final class Identity {

    private final KeyPair keyPair;
    private final PeerKey publicKey;

    public Identity(KeyPair keyPair) {
        this.keyPair = keyPair;
        this.publicKey = PeerKey.of((RSAPublicKey) keyPair.getPublic());
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    public PeerKey publicKey() {
        return publicKey;
    }

    public String peerId() {
        return publicKey.peerId();
    }

    @Override
    public String toString() {
        return "Identity[peerId=" + peerId() + "]";
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] sha256(byte[] bytes) {
        return SymmetricState.sha256(bytes);
    }
}
