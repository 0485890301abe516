package io.peerlink.attack;

import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.RsaOaep;
import io.peerlink.crypto.SymmetricState;
import io.peerlink.crypto.X25519;
import io.peerlink.handshake.HandshakeMessage.ClientHello;
import io.peerlink.handshake.HandshakeMessage.ServerFinish;
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
 * The server side of the key schedule (docs/PROTOCOL.md section 6) written out by hand, so that an
 * attacking server can put into SERVER_FINISH what {@code Handshake} never would (an s2 of the
 * wrong length) while everything else, MAC_S included, is exactly right. Messages are read and
 * written by the production codec.
 */
final class ForgingServer {

    private final Identity identity;
    private final SecureRandom random;
    private final SymmetricState symmetric = new SymmetricState(WireConstants.PROTOCOL_NAME_V1);
    private KeyPair ephemeral;
    private KeyPair kem;
    private PeerKey client;

    ForgingServer(Identity identity, SecureRandom random) {
        this.identity = identity;
        this.random = random;
    }

    RawFrame serverHello() {
        ephemeral = X25519.generate(random);
        kem = MlKem768.generate(random);
        byte[] nonce = new byte[WireConstants.NONCE_LENGTH];
        random.nextBytes(nonce);
        RawFrame frame = new ServerHello(new int[] {WireConstants.VERSION_1}, identity.publicKey().spki(),
                X25519.raw(ephemeral.getPublic()), MlKem768.raw(kem.getPublic()), nonce).encode();
        // step 1: MixHash(SERVER_HELLO frame) -> h1
        symmetric.mixHash(frame.bytes());
        return frame;
    }

    void consumeClientHello(RawFrame frame) throws ProtocolException, GeneralSecurityException {
        ClientHello hello = Hellos.clientHello(frame, identity);
        // steps 2 to 4: MixKey(dh), MixKey(ss), MixKey(s1) -> k1
        symmetric.mixKey(X25519.agree(ephemeral.getPrivate(), hello.ephemeralKey()));
        symmetric.mixKey(MlKem768.decapsulate(kem.getPrivate(), hello.kemCiphertext()));
        symmetric.mixKey(RsaOaep.decrypt(identity.privateKey(), hello.rsaCiphertext()));
        // step 5: open enc_id
        client = PeerKey.fromSpki(symmetric.decryptWithTranscript(hello.sealedIdentity()));
        // step 6: MixHash(CLIENT_HELLO frame) -> h2
        symmetric.mixHash(frame.bytes());
    }

    /** SERVER_FINISH carrying {@code s2}, whatever its length, with a MAC_S that matches it. */
    RawFrame serverFinish(byte[] s2) throws GeneralSecurityException {
        byte[] c2 = RsaOaep.encrypt(client.key(), s2, random);
        byte[] h2 = symmetric.handshakeHash();
        // step 7: sealed_c2 = AEAD(k1, 1, h2, c2)
        byte[] sealedSecret = symmetric.encryptWithTranscript(c2);
        // step 8: MixKey(s2) -> k2
        symmetric.mixKey(s2.clone());
        // step 9: MAC_S = HMAC(K_S, h2 || sealed_c2), sealed under k2 with AD h2
        byte[] mac = symmetric.confirmationMac(true, Wire.concat(h2, sealedSecret));
        return new ServerFinish(sealedSecret, symmetric.encryptWithTranscript(mac)).encode();
    }
}
