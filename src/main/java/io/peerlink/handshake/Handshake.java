package io.peerlink.handshake;

import static io.peerlink.wire.ProtocolException.Reason.BAD_EPHEMERAL_KEY;
import static io.peerlink.wire.ProtocolException.Reason.BAD_IDENTITY_KEY;
import static io.peerlink.wire.ProtocolException.Reason.BAD_KEM_CIPHERTEXT;
import static io.peerlink.wire.ProtocolException.Reason.HANDSHAKE_DECRYPT_FAILED;
import static io.peerlink.wire.ProtocolException.Reason.KEY_CONFIRMATION_FAILED;
import static io.peerlink.wire.ProtocolException.Reason.UNSUPPORTED_VERSION;
import static io.peerlink.wire.WireConstants.MAX_RSA_BITS;
import static io.peerlink.wire.WireConstants.MIN_RSA_BITS;
import static io.peerlink.wire.WireConstants.NONCE_LENGTH;
import static io.peerlink.wire.WireConstants.RSA_PUBLIC_EXPONENT;
import static io.peerlink.wire.WireConstants.SECRET_LENGTH;

import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.RsaOaep;
import io.peerlink.crypto.Secrets;
import io.peerlink.crypto.SymmetricState;
import io.peerlink.crypto.X25519;
import io.peerlink.handshake.HandshakeMessage.ClientFinish;
import io.peerlink.handshake.HandshakeMessage.ClientHello;
import io.peerlink.handshake.HandshakeMessage.ServerFinish;
import io.peerlink.handshake.HandshakeMessage.ServerHello;
import io.peerlink.identity.Identity;
import io.peerlink.identity.PeerKey;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The peerlink handshake, both roles, as an explicit state machine without I/O. Four messages:
 * SERVER_HELLO, CLIENT_HELLO, SERVER_FINISH, CLIENT_FINISH (docs/PROTOCOL.md section 5); the
 * comments name the steps of the key schedule in section 6. Bytes are read and written by
 * {@link HandshakeMessage}; this class decides what they mean. Every step checks the expected state
 * first; any error moves the handshake to {@link State#FAILED} and wipes its secrets.
 *
 * <p>Not thread-safe: one step at a time. The steps of one handshake may run on different threads
 * (the server's CPU-heavy steps on a pool) as long as each hands over to the next with a
 * happens-before edge, as {@link HandshakeDriver} does through a future.
 */
public final class Handshake {

    public enum Role { SERVER, CLIENT }

    public enum State {
        SEND_SERVER_HELLO, WAIT_CLIENT_HELLO, SEND_SERVER_FINISH, WAIT_CLIENT_FINISH,
        WAIT_SERVER_HELLO, SEND_CLIENT_HELLO, WAIT_SERVER_FINISH, SEND_CLIENT_FINISH,
        COMPLETE, FAILED
    }

    private final Role role;
    /** The versions this side speaks: 1 up to its highest, in that order (offered so by a server). */
    private final int[] supportedVersions;
    private final Identity identity;
    private final SecureRandom random;
    // step 0: InitializeSymmetric -> h0, ck0
    private final SymmetricState symmetric = new SymmetricState(WireConstants.PROTOCOL_NAME_V1);
    private State state;
    private int version;
    private PeerKey peer;
    // server: its own ephemeral key pairs, until CLIENT_HELLO is consumed
    private KeyPair ephemeral;
    private KeyPair kem;
    // client: the server's hello (public values), until CLIENT_HELLO is created
    private ServerHello serverHello;

    /** A handshake that speaks every version this implementation has (1 up to {@link WireConstants#MAX_VERSION}). */
    public Handshake(Role role, Identity identity, SecureRandom random) {
        this(role, identity, random, WireConstants.MAX_VERSION);
    }

    /**
     * A handshake that speaks versions 1 up to {@code maxVersion}: a server offers exactly those, a
     * client picks the highest of them the server offers. {@code maxVersion} 1 makes a peer of
     * version 1 only (for interoperability tests and the version-1 test vectors).
     */
    public Handshake(Role role, Identity identity, SecureRandom random, int maxVersion) {
        if (maxVersion < WireConstants.VERSION_1 || maxVersion > WireConstants.MAX_VERSION) {
            throw new IllegalArgumentException("protocol version must be 1.." + WireConstants.MAX_VERSION + ", was "
                    + maxVersion);
        }
        this.supportedVersions = new int[maxVersion];
        for (int v = 1; v <= maxVersion; v++) {
            supportedVersions[v - 1] = v;
        }
        this.role = role;
        this.identity = identity;
        this.random = random;
        this.state = role == Role.SERVER ? State.SEND_SERVER_HELLO : State.WAIT_SERVER_HELLO;
    }

    public Role role() {
        return role;
    }

    public State state() {
        return state;
    }

    /** The transcript hash {@code h} so far (a copy). */
    public byte[] transcriptHash() {
        return symmetric.handshakeHash();
    }

    // ---------------------------------------------------------------- 5.1 SERVER_HELLO

    /** Server, first message: versions, RSA identity, ephemeral X25519 key, ML-KEM-768 key, nonce. */
    public RawFrame createServerHello() {
        expect(State.SEND_SERVER_HELLO);
        return guarded(() -> {
            // fresh X25519 and ML-KEM-768 key pairs and a nonce for this connection
            ephemeral = X25519.generate(random);
            kem = MlKem768.generate(random);
            byte[] nonce = new byte[NONCE_LENGTH];
            random.nextBytes(nonce);
            RawFrame frame = new ServerHello(supportedVersions.clone(), identity.publicKey().spki(),
                    X25519.raw(ephemeral.getPublic()), MlKem768.raw(kem.getPublic()), nonce).encode();
            // step 1: MixHash(SERVER_HELLO frame) -> h1
            symmetric.mixHash(frame.bytes());
            state = State.WAIT_CLIENT_HELLO;
            return frame;
        });
    }

    /** Client: checks and records the server's hello; {@link #peer()} is then the claimed server. */
    public void consumeServerHello(RawFrame frame) throws ProtocolException {
        expect(State.WAIT_SERVER_HELLO);
        guardedChecked(() -> {
            ServerHello hello = ServerHello.decode(frame);
            version = chooseVersion(hello.versions());
            peer = identityKey(hello.spki(), "server");
            serverHello = hello;
            // step 1: MixHash(SERVER_HELLO frame) -> h1
            symmetric.mixHash(frame.bytes());
            state = State.SEND_CLIENT_HELLO;
        });
    }

    // ---------------------------------------------------------------- 5.2 CLIENT_HELLO

    /** Client: chosen version, ephemeral key, ML-KEM ciphertext, RSA-OAEP secret, sealed identity. */
    public RawFrame createClientHello() throws ProtocolException {
        expect(State.SEND_CLIENT_HELLO);
        return guardedChecked(() -> {
            KeyPair own = X25519.generate(random);
            byte[] dh = agree(own.getPrivate(), serverHello.ephemeralKey(), "server's");
            MlKem768.Encapsulation encapsulation;
            try {
                encapsulation = MlKem768.encapsulate(serverHello.encapsulationKey(), random);
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(BAD_EPHEMERAL_KEY, "server's ML-KEM-768 key refused: " + e.getMessage());
            }
            byte[] s1 = new byte[SECRET_LENGTH];
            random.nextBytes(s1);
            byte[] c1 = RsaOaep.encrypt(peer.key(), s1, random);
            // step 2: MixKey(dh) -> ck1
            symmetric.mixKey(dh);
            // step 3: MixKey(ss) -> ck2
            symmetric.mixKey(encapsulation.sharedSecret());
            // step 4: MixKey(s1) -> ck3, k1
            symmetric.mixKey(s1);
            // step 5: enc_id = AEAD(k1, 0, h1, spki_C)
            byte[] sealedIdentity = symmetric.encryptWithTranscript(identity.publicKey().spki());
            RawFrame frame = new ClientHello(version, X25519.raw(own.getPublic()), encapsulation.ciphertext(), c1,
                    sealedIdentity).encode();
            // step 6: MixHash(CLIENT_HELLO frame) -> h2
            symmetric.mixHash(frame.bytes());
            serverHello = null;
            state = State.WAIT_SERVER_FINISH;
            return frame;
        });
    }

    /** Server: derives the handshake keys and learns the client's identity (not yet trusted). */
    public void consumeClientHello(RawFrame frame) throws ProtocolException {
        expect(State.WAIT_CLIENT_HELLO);
        guardedChecked(() -> {
            ClientHello hello = ClientHello.decode(frame, RsaOaep.ciphertextLength(identity.publicKey().key()));
            if (!supported(hello.version())) {
                throw new ProtocolException(UNSUPPORTED_VERSION, "client chose version " + hello.version()
                        + ", which was not offered");
            }
            version = hello.version();
            byte[] dh = agree(ephemeral.getPrivate(), hello.ephemeralKey(), "client's");
            byte[] ss;
            try {
                ss = MlKem768.decapsulate(kem.getPrivate(), hello.kemCiphertext());
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(BAD_KEM_CIPHERTEXT, "ML-KEM-768 ciphertext refused: " + e.getMessage());
            }
            // RSA-OAEP with implicit rejection: a bad ciphertext or a wrong length gives a random s1
            byte[] s1 = RsaOaep.decryptOrRandom(identity.privateKey(), hello.rsaCiphertext(), SECRET_LENGTH, random);
            // step 2: MixKey(dh) -> ck1
            symmetric.mixKey(dh);
            // step 3: MixKey(ss) -> ck2
            symmetric.mixKey(ss);
            // step 4: MixKey(s1) -> ck3, k1
            symmetric.mixKey(s1);
            // step 5: open enc_id under k1, counter 0, AD h1
            byte[] spki;
            try {
                spki = symmetric.decryptWithTranscript(hello.sealedIdentity());
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(HANDSHAKE_DECRYPT_FAILED,
                        "client identity did not decrypt: the client does not share our keys");
            }
            peer = identityKey(spki, "client");
            // step 6: MixHash(CLIENT_HELLO frame) -> h2
            symmetric.mixHash(frame.bytes());
            dropEphemeralKeys();
            state = State.SEND_SERVER_FINISH;
        });
    }

    // ---------------------------------------------------------------- 5.3 SERVER_FINISH

    /** Server: s2 sealed for the client's RSA key, then the server's key confirmation MAC_S. */
    public RawFrame createServerFinish() {
        expect(State.SEND_SERVER_FINISH);
        return guarded(() -> {
            byte[] s2 = new byte[SECRET_LENGTH];
            random.nextBytes(s2);
            byte[] c2 = RsaOaep.encrypt(peer.key(), s2, random);
            byte[] h2 = symmetric.handshakeHash();
            // step 7: sealed_c2 = AEAD(k1, 1, h2, c2)
            byte[] sealedSecret = symmetric.encryptWithTranscript(c2);
            // step 8: MixKey(s2) -> ck4, k2
            symmetric.mixKey(s2);
            // step 9: MAC_S = HMAC(K_S, h2 || sealed_c2); sealed_mac = AEAD(k2, 0, h2, MAC_S)
            byte[] mac = symmetric.confirmationMac(true, concat(h2, sealedSecret));
            byte[] sealedMac = symmetric.encryptWithTranscript(mac);
            RawFrame frame = new ServerFinish(sealedSecret, sealedMac).encode();
            // step 10: MixHash(SERVER_FINISH frame) -> h3
            symmetric.mixHash(frame.bytes());
            state = State.WAIT_CLIENT_FINISH;
            return frame;
        });
    }

    /** Client: recovers s2 and checks the server's key confirmation; the server is now trusted. */
    public void consumeServerFinish(RawFrame frame) throws ProtocolException {
        expect(State.WAIT_SERVER_FINISH);
        guardedChecked(() -> {
            ServerFinish finish = ServerFinish.decode(frame, RsaOaep.ciphertextLength(identity.publicKey().key()));
            byte[] h2 = symmetric.handshakeHash();
            // step 7: open sealed_c2 under k1, counter 1, AD h2
            byte[] c2;
            try {
                c2 = symmetric.decryptWithTranscript(finish.sealedSecret());
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(HANDSHAKE_DECRYPT_FAILED,
                        "SERVER_FINISH did not decrypt: the server does not share our keys");
            }
            // RSA-OAEP with implicit rejection: a bad ciphertext or a wrong length gives a random s2
            byte[] s2 = RsaOaep.decryptOrRandom(identity.privateKey(), c2, SECRET_LENGTH, random);
            // step 8: MixKey(s2) -> ck4, k2
            symmetric.mixKey(s2);
            // step 9: expected MAC_S = HMAC(K_S, h2 || sealed_c2); open sealed_mac under k2, counter 0, AD h2
            byte[] expected = symmetric.confirmationMac(true, concat(h2, finish.sealedSecret()));
            byte[] mac;
            try {
                mac = symmetric.decryptWithTranscript(finish.sealedMac());
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(KEY_CONFIRMATION_FAILED, "server key confirmation did not decrypt");
            }
            if (!MessageDigest.isEqual(expected, mac)) {
                throw new ProtocolException(KEY_CONFIRMATION_FAILED, "server key confirmation MAC is wrong");
            }
            // step 10: MixHash(SERVER_FINISH frame) -> h3
            symmetric.mixHash(frame.bytes());
            state = State.SEND_CLIENT_FINISH;
        });
    }

    // ---------------------------------------------------------------- 5.4 CLIENT_FINISH

    /** Client: the client's key confirmation MAC_C. */
    public RawFrame createClientFinish() {
        expect(State.SEND_CLIENT_FINISH);
        return guarded(() -> {
            // step 11: MAC_C = HMAC(K_C, h3); AEAD(k2, 1, h3, MAC_C)
            byte[] mac = symmetric.confirmationMac(false, symmetric.handshakeHash());
            RawFrame frame = new ClientFinish(symmetric.encryptWithTranscript(mac)).encode();
            // step 12: MixHash(CLIENT_FINISH frame) -> h4
            symmetric.mixHash(frame.bytes());
            state = State.COMPLETE;
            return frame;
        });
    }

    /** Server: checks the client's key confirmation; the client is now trusted. */
    public void consumeClientFinish(RawFrame frame) throws ProtocolException {
        expect(State.WAIT_CLIENT_FINISH);
        guardedChecked(() -> {
            ClientFinish finish = ClientFinish.decode(frame);
            // step 11: expected MAC_C = HMAC(K_C, h3); open the body under k2, counter 1, AD h3
            byte[] expected = symmetric.confirmationMac(false, symmetric.handshakeHash());
            byte[] mac;
            try {
                mac = symmetric.decryptWithTranscript(finish.sealedMac());
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(KEY_CONFIRMATION_FAILED, "client key confirmation did not decrypt");
            }
            if (!MessageDigest.isEqual(expected, mac)) {
                throw new ProtocolException(KEY_CONFIRMATION_FAILED, "client key confirmation MAC is wrong");
            }
            // step 12: MixHash(CLIENT_FINISH frame) -> h4
            symmetric.mixHash(frame.bytes());
            state = State.COMPLETE;
        });
    }

    // ---------------------------------------------------------------- split

    /** Both roles, after the last message: one traffic cipher per direction. */
    public Session split() {
        expect(State.COMPLETE);
        byte[] h4 = symmetric.handshakeHash();
        // step 13: Split -> k_c2s, k_s2c
        SymmetricState.TrafficKeys keys = symmetric.split();
        state = State.FAILED; // the state is spent: a second split is refused
        return role == Role.CLIENT
                ? new Session(role, version, peer, keys.clientToServer(), keys.serverToClient(), h4)
                : new Session(role, version, peer, keys.serverToClient(), keys.clientToServer(), h4);
    }

    /** The peer's identity as claimed so far: trusted only once the handshake is complete. */
    public PeerKey peer() {
        return peer;
    }

    /** Abandons the handshake and wipes its secrets. */
    public void fail() {
        state = State.FAILED;
        symmetric.destroy();
        dropEphemeralKeys();
        serverHello = null;
    }

    /**
     * The server's ephemeral private keys are spent: the ML-KEM-768 key wipes itself; the JDK's
     * X25519 key cannot, so it is only dropped (docs/PROTOCOL.md section 6 says what stays).
     */
    private void dropEphemeralKeys() {
        if (kem != null) {
            Secrets.destroy(kem.getPrivate());
            kem = null;
        }
        if (ephemeral != null) {
            Secrets.destroy(ephemeral.getPrivate());
            ephemeral = null;
        }
    }

    // ---------------------------------------------------------------- checks

    private int chooseVersion(int[] offered) throws ProtocolException {
        int best = -1;
        for (int v : offered) {
            if (supported(v) && v > best) {
                best = v;
            }
        }
        if (best < 0) {
            throw new ProtocolException(UNSUPPORTED_VERSION, "server offers versions " + Arrays.toString(offered)
                    + ", none of which is supported");
        }
        return best;
    }

    private boolean supported(int v) {
        for (int s : supportedVersions) {
            if (s == v) {
                return true;
            }
        }
        return false;
    }

    /** X25519 with the peer's public key; an all-zero result (low-order key) is BAD_EPHEMERAL_KEY. */
    private static byte[] agree(PrivateKey own, byte[] peerPublic, String whose) throws ProtocolException {
        try {
            return X25519.agree(own, peerPublic);
        } catch (GeneralSecurityException e) {
            throw new ProtocolException(BAD_EPHEMERAL_KEY, whose + " X25519 key refused: " + e.getMessage());
        }
    }

    private static PeerKey identityKey(byte[] spki, String who) throws ProtocolException {
        PeerKey key;
        try {
            key = PeerKey.fromSpki(spki);
        } catch (GeneralSecurityException e) {
            throw new ProtocolException(BAD_IDENTITY_KEY, who + " identity refused: " + e.getMessage());
        }
        if (key.bits() < MIN_RSA_BITS || key.bits() > MAX_RSA_BITS) {
            throw new ProtocolException(BAD_IDENTITY_KEY, who + " identity is a " + key.bits()
                    + "-bit RSA key, accepted are " + MIN_RSA_BITS + ".." + MAX_RSA_BITS + " bits");
        }
        // only e = 65537: a huge exponent would make each RSA-OAEP encryption to this key a full
        // modular exponentiation, paid by whoever encrypts to it (checked before anything is)
        BigInteger e = key.key().getPublicExponent();
        if (!e.equals(RSA_PUBLIC_EXPONENT)) {
            throw new ProtocolException(BAD_IDENTITY_KEY, who + " identity has the RSA public exponent "
                    + (e.bitLength() <= 64 ? e.toString() : "of " + e.bitLength() + " bits")
                    + ", only " + RSA_PUBLIC_EXPONENT + " is accepted");
        }
        return key;
    }

    private void expect(State expected) {
        if (state != expected) {
            throw new IllegalStateException("handshake is " + state + ", not " + expected);
        }
    }

    // ---------------------------------------------------------------- failure handling

    private interface Step<T> {
        T run() throws ProtocolException, GeneralSecurityException;
    }

    private interface VoidStep {
        void run() throws ProtocolException, GeneralSecurityException;
    }

    private <T> T guardedChecked(Step<T> step) throws ProtocolException {
        try {
            return step.run();
        } catch (ProtocolException e) {
            fail();
            throw e;
        } catch (GeneralSecurityException | RuntimeException e) {
            fail();
            throw new IllegalStateException("handshake step failed unexpectedly", e);
        }
    }

    private void guardedChecked(VoidStep step) throws ProtocolException {
        guardedChecked(() -> {
            step.run();
            return null;
        });
    }

    private <T> T guarded(Step<T> step) {
        try {
            return guardedChecked(step);
        } catch (ProtocolException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public String toString() {
        return "Handshake[" + role + ", " + state + "]";
    }
}
