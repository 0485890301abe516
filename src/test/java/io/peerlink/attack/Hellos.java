package io.peerlink.attack;

import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.RsaOaep;
import io.peerlink.crypto.SymmetricState;
import io.peerlink.crypto.X25519;
import io.peerlink.handshake.HandshakeMessage.ClientHello;
import io.peerlink.handshake.HandshakeMessage.ServerHello;
import io.peerlink.identity.Identity;
import io.peerlink.identity.PeerKey;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;

/**
 * What an attacker needs to forge the two hello messages (docs/PROTOCOL.md sections 5.1 and 5.2):
 * real frames are parsed by the production decoder, one field is changed, and the production
 * encoder writes them back, whatever the change. Only public values.
 */
final class Hellos {

    private Hellos() {
    }

    /** A CLIENT_HELLO as the production decoder reads it, for a server holding {@code server}'s key. */
    static ClientHello clientHello(RawFrame frame, Identity server) throws ProtocolException {
        return ClientHello.decode(frame, RsaOaep.ciphertextLength(server.publicKey().key()));
    }

    static ServerHello withVersions(ServerHello h, int... offered) {
        return new ServerHello(offered, h.spki(), h.ephemeralKey(), h.encapsulationKey(), h.nonce());
    }

    static ServerHello withSpki(ServerHello h, byte[] spki) {
        return new ServerHello(h.versions(), spki, h.ephemeralKey(), h.encapsulationKey(), h.nonce());
    }

    static ServerHello withEphemeralKey(ServerHello h, byte[] key) {
        return new ServerHello(h.versions(), h.spki(), key, h.encapsulationKey(), h.nonce());
    }

    static ServerHello withEncapsulationKey(ServerHello h, byte[] key) {
        return new ServerHello(h.versions(), h.spki(), h.ephemeralKey(), key, h.nonce());
    }

    static ClientHello withVersion(ClientHello h, int version) {
        return new ClientHello(version, h.ephemeralKey(), h.kemCiphertext(), h.rsaCiphertext(), h.sealedIdentity());
    }

    static ClientHello withEphemeralKey(ClientHello h, byte[] key) {
        return new ClientHello(h.version(), key, h.kemCiphertext(), h.rsaCiphertext(), h.sealedIdentity());
    }

    static ClientHello withKemCiphertext(ClientHello h, byte[] ciphertext) {
        return new ClientHello(h.version(), h.ephemeralKey(), ciphertext, h.rsaCiphertext(), h.sealedIdentity());
    }

    static ClientHello withRsaCiphertext(ClientHello h, byte[] ciphertext) {
        return new ClientHello(h.version(), h.ephemeralKey(), h.kemCiphertext(), ciphertext, h.sealedIdentity());
    }

    /**
     * A CLIENT_HELLO that follows the key schedule exactly (docs/PROTOCOL.md section 6) but seals
     * {@code identitySpki}, whatever it is, as the client's identity: what a client with a non-RSA
     * key would send. The server can open it, so it gets as far as checking the key itself.
     */
    static RawFrame clientHelloWithIdentity(RawFrame serverHello, byte[] identitySpki, SecureRandom random)
            throws GeneralSecurityException, ProtocolException {
        byte[] s1 = new byte[WireConstants.SECRET_LENGTH];
        random.nextBytes(s1);
        return clientHello(serverHello, identitySpki, s1, random);
    }

    /**
     * A CLIENT_HELLO that follows the key schedule exactly with {@code s1} as the RSA-OAEP secret,
     * whatever its length, and {@code identitySpki} as the sealed identity.
     */
    static RawFrame clientHello(RawFrame serverHello, byte[] identitySpki, byte[] s1, SecureRandom random)
            throws GeneralSecurityException, ProtocolException {
        ServerHello server = ServerHello.decode(serverHello);
        SymmetricState symmetric = new SymmetricState(WireConstants.PROTOCOL_NAME_V1);
        // step 1: MixHash(SERVER_HELLO frame) -> h1
        symmetric.mixHash(serverHello.bytes());
        KeyPair own = X25519.generate(random);
        byte[] dh = X25519.agree(own.getPrivate(), server.ephemeralKey());
        MlKem768.Encapsulation kem = MlKem768.encapsulate(server.encapsulationKey(), random);
        byte[] rsaCiphertext = RsaOaep.encrypt(PeerKey.fromSpki(server.spki()).key(), s1, random);
        // steps 2 to 4: MixKey(dh), MixKey(ss), MixKey(s1) -> k1
        symmetric.mixKey(dh);
        symmetric.mixKey(kem.sharedSecret());
        symmetric.mixKey(s1.clone());
        // step 5: enc_id = AEAD(k1, 0, h1, spki)
        byte[] sealedIdentity = symmetric.encryptWithTranscript(identitySpki);
        return new ClientHello(WireConstants.VERSION_1, X25519.raw(own.getPublic()), kem.ciphertext(), rsaCiphertext,
                sealedIdentity).encode();
    }
}
