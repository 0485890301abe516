package io.peerlink.handshake;

import static io.peerlink.wire.ProtocolException.Reason.BAD_EPHEMERAL_KEY;
import static io.peerlink.wire.ProtocolException.Reason.BAD_IDENTITY_KEY;
import static io.peerlink.wire.ProtocolException.Reason.BAD_KEM_CIPHERTEXT;
import static io.peerlink.wire.ProtocolException.Reason.BAD_RSA_CIPHERTEXT;
import static io.peerlink.wire.ProtocolException.Reason.GARBAGE;
import static io.peerlink.wire.ProtocolException.Reason.HANDSHAKE_DECRYPT_FAILED;
import static io.peerlink.wire.ProtocolException.Reason.KEY_CONFIRMATION_FAILED;
import static io.peerlink.wire.ProtocolException.Reason.MALFORMED;
import static io.peerlink.wire.ProtocolException.Reason.UNEXPECTED_FRAME;
import static io.peerlink.wire.ProtocolException.Reason.UNSUPPORTED_VERSION;
import static io.peerlink.wire.WireConstants.MAC_LENGTH;
import static io.peerlink.wire.WireConstants.MAX_RSA_BITS;
import static io.peerlink.wire.WireConstants.MAX_SPKI_LENGTH;
import static io.peerlink.wire.WireConstants.MIN_RSA_BITS;
import static io.peerlink.wire.WireConstants.NONCE_LENGTH;
import static io.peerlink.wire.WireConstants.SECRET_LENGTH;
import static io.peerlink.wire.WireConstants.TAG_LENGTH;
import static io.peerlink.wire.WireConstants.X25519_KEY_LENGTH;

import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.RsaOaep;
import io.peerlink.crypto.Secrets;
import io.peerlink.crypto.SymmetricState;
import io.peerlink.crypto.X25519;
import io.peerlink.identity.Identity;
import io.peerlink.identity.PeerKey;
import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The peerlink handshake, both roles, as an explicit state machine without I/O. Four messages:
 * SERVER_HELLO, CLIENT_HELLO, SERVER_FINISH, CLIENT_FINISH (docs/PROTOCOL.md, "Handshake"). Every
 * step checks the expected state first; any error moves the handshake to {@link State#FAILED} and
 * wipes its secrets.
 *
 * <p>Each frame, header included, is mixed into the transcript hash {@code h} once it has been
 * written or read. Encrypted fields use the {@code h} from before their frame as associated data.
 */
public final class Handshake {

    public enum Role { SERVER, CLIENT }

    public enum State {
        SEND_SERVER_HELLO, WAIT_CLIENT_HELLO, SEND_SERVER_FINISH, WAIT_CLIENT_FINISH,
        WAIT_SERVER_HELLO, SEND_CLIENT_HELLO, WAIT_SERVER_FINISH, SEND_CLIENT_FINISH,
        COMPLETE, FAILED
    }

    private static final int[] SUPPORTED_VERSIONS = {WireConstants.VERSION_1};

    private final Role role;
    private final Identity identity;
    private final SecureRandom random;
    private final SymmetricState symmetric = new SymmetricState(WireConstants.PROTOCOL_NAME_V1);
    private State state;
    private int version;
    private PeerKey peer;
    // Server: own ephemerals. Client: the server's ephemeral public values.
    private KeyPair ephemeral;
    private KeyPair kem;
    private byte[] serverEphemeral;
    private byte[] serverEncapsulationKey;

    public Handshake(Role role, Identity identity, SecureRandom random) {
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

    // ---------------------------------------------------------------- server hello

    /** Server, first message: versions, RSA identity, ephemeral X25519 key, ML-KEM-768 key, nonce. */
    public RawFrame createServerHello() {
        expect(State.SEND_SERVER_HELLO);
        return guarded(() -> {
            ephemeral = X25519.generate(random);
            kem = MlKem768.generate(random);
            byte[] nonce = new byte[NONCE_LENGTH];
            random.nextBytes(nonce);
            byte[] spki = identity.publicKey().spki();
            byte[] ek = MlKem768.raw(kem.getPublic());
            Body body = new Body();
            body.u8(SUPPORTED_VERSIONS.length);
            for (int v : SUPPORTED_VERSIONS) {
                body.u16(v);
            }
            body.lengthPrefixed(spki);
            body.raw(X25519.raw(ephemeral.getPublic()));
            body.lengthPrefixed(ek);
            body.raw(nonce);
            RawFrame frame = RawFrame.of(WireConstants.TYPE_SERVER_HELLO, body.bytes());
            // mix the whole SERVER_HELLO
            symmetric.mixHash(frame.bytes());
            state = State.WAIT_CLIENT_HELLO;
            return frame;
        });
    }

    /** Client: checks and records the server's hello. */
    public void consumeServerHello(RawFrame frame) throws ProtocolException {
        expect(State.WAIT_SERVER_HELLO);
        guardedChecked(() -> {
            requireType(frame, WireConstants.TYPE_SERVER_HELLO, "SERVER_HELLO");
            FieldReader r = new FieldReader(frame.body(), "SERVER_HELLO");
            int count = r.u8("version count");
            if (count < 1 || count > WireConstants.MAX_OFFERED_VERSIONS) {
                throw new ProtocolException(MALFORMED, "SERVER_HELLO offers " + count + " versions, expected 1.."
                        + WireConstants.MAX_OFFERED_VERSIONS);
            }
            int[] offered = new int[count];
            for (int i = 0; i < count; i++) {
                offered[i] = r.u16("version");
            }
            version = chooseVersion(offered);
            peer = identityKey(r.lengthPrefixed(1, MAX_SPKI_LENGTH, "RSA public key", BAD_IDENTITY_KEY),
                    "server");
            serverEphemeral = r.fixed(X25519_KEY_LENGTH, "X25519 key");
            serverEncapsulationKey = r.lengthPrefixed(MlKem768.ENCAPSULATION_KEY_LENGTH,
                    MlKem768.ENCAPSULATION_KEY_LENGTH, "ML-KEM-768 encapsulation key", BAD_EPHEMERAL_KEY);
            r.fixed(NONCE_LENGTH, "nonce");
            r.end();
            // mix the whole SERVER_HELLO
            symmetric.mixHash(frame.bytes());
            state = State.SEND_CLIENT_HELLO;
        });
    }

    // ---------------------------------------------------------------- client hello

    /** Client: chosen version, ephemeral key, ML-KEM ciphertext, RSA-OAEP secret, encrypted identity. */
    public RawFrame createClientHello() throws ProtocolException {
        expect(State.SEND_CLIENT_HELLO);
        return guardedChecked(() -> {
            KeyPair own = X25519.generate(random);
            byte[] dh;
            try {
                dh = X25519.agree(own.getPrivate(), serverEphemeral);
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(BAD_EPHEMERAL_KEY, "server's X25519 key refused: " + e.getMessage());
            }
            MlKem768.Encapsulation encapsulation;
            try {
                encapsulation = MlKem768.encapsulate(serverEncapsulationKey, random);
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(BAD_EPHEMERAL_KEY, "server's ML-KEM-768 key refused: " + e.getMessage());
            }
            byte[] s1 = new byte[SECRET_LENGTH];
            random.nextBytes(s1);
            byte[] rsaCiphertext = RsaOaep.encrypt(peer.key(), s1, random);
            // mix X25519, ML-KEM and the RSA-OAEP secret into ck
            symmetric.mixKey(dh);
            symmetric.mixKey(encapsulation.sharedSecret());
            symmetric.mixKey(s1);
            // encrypt the client's identity under k, with h (through SERVER_HELLO) as associated data
            byte[] encryptedIdentity = symmetric.encryptWithTranscript(identity.publicKey().spki());
            Body body = new Body();
            body.u16(version);
            body.raw(X25519.raw(own.getPublic()));
            body.lengthPrefixed(encapsulation.ciphertext());
            body.lengthPrefixed(rsaCiphertext);
            body.lengthPrefixed(encryptedIdentity);
            RawFrame frame = RawFrame.of(WireConstants.TYPE_CLIENT_HELLO, body.bytes());
            // mix the whole CLIENT_HELLO
            symmetric.mixHash(frame.bytes());
            state = State.WAIT_SERVER_FINISH;
            return frame;
        });
    }

    /** Server: derives the handshake keys and learns the client's identity (not yet trusted). */
    public void consumeClientHello(RawFrame frame) throws ProtocolException {
        expect(State.WAIT_CLIENT_HELLO);
        guardedChecked(() -> {
            requireType(frame, WireConstants.TYPE_CLIENT_HELLO, "CLIENT_HELLO");
            FieldReader r = new FieldReader(frame.body(), "CLIENT_HELLO");
            int chosen = r.u16("version");
            if (!supported(chosen)) {
                throw new ProtocolException(UNSUPPORTED_VERSION, "client chose version " + chosen
                        + ", which was not offered");
            }
            version = chosen;
            byte[] clientEphemeral = r.fixed(X25519_KEY_LENGTH, "X25519 key");
            byte[] kemCiphertext = r.lengthPrefixed(MlKem768.CIPHERTEXT_LENGTH, MlKem768.CIPHERTEXT_LENGTH,
                    "ML-KEM-768 ciphertext", BAD_KEM_CIPHERTEXT);
            int rsaLength = RsaOaep.ciphertextLength(identity.publicKey().key());
            byte[] rsaCiphertext = r.lengthPrefixed(rsaLength, rsaLength, "RSA-OAEP ciphertext", BAD_RSA_CIPHERTEXT);
            byte[] encryptedIdentity = r.lengthPrefixed(TAG_LENGTH + 1, MAX_SPKI_LENGTH + TAG_LENGTH,
                    "encrypted identity", MALFORMED);
            r.end();
            byte[] dh;
            try {
                dh = X25519.agree(ephemeral.getPrivate(), clientEphemeral);
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(BAD_EPHEMERAL_KEY, "client's X25519 key refused: " + e.getMessage());
            }
            byte[] kemSecret;
            try {
                kemSecret = MlKem768.decapsulate(kem.getPrivate(), kemCiphertext);
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(BAD_KEM_CIPHERTEXT, "ML-KEM-768 ciphertext refused: " + e.getMessage());
            }
            // RSA-OAEP with implicit rejection: a bad ciphertext gives a random secret
            byte[] s1 = RsaOaep.decryptOrRandom(identity.privateKey(), rsaCiphertext, SECRET_LENGTH, random);
            // mix X25519, ML-KEM and the RSA-OAEP secret into ck
            symmetric.mixKey(dh);
            symmetric.mixKey(kemSecret);
            symmetric.mixKey(s1);
            byte[] spki;
            try {
                spki = symmetric.decryptWithTranscript(encryptedIdentity);
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(HANDSHAKE_DECRYPT_FAILED,
                        "client identity did not decrypt: the client does not share our keys");
            }
            peer = identityKey(spki, "client");
            // mix the whole CLIENT_HELLO
            symmetric.mixHash(frame.bytes());
            kem = null;
            ephemeral = null;
            state = State.SEND_SERVER_FINISH;
        });
    }

    // ---------------------------------------------------------------- server finish

    /**
     * Server: {@code u16 len | AEAD(k1, c2) | AEAD(k2, MAC_S)} where c2 carries the secret s2 to the
     * client's RSA key and {@code MAC_S = HMAC(kS, h || AEAD(k1, c2))}.
     */
    public RawFrame createServerFinish() {
        expect(State.SEND_SERVER_FINISH);
        return guarded(() -> {
            byte[] s2 = new byte[SECRET_LENGTH];
            random.nextBytes(s2);
            byte[] c2 = RsaOaep.encrypt(peer.key(), s2, random);
            byte[] h = symmetric.handshakeHash();
            // encrypt c2 under k1, AD = h
            byte[] sealedSecret = symmetric.encryptWithTranscript(c2);
            // mix the client's RSA-OAEP secret into ck
            symmetric.mixKey(s2);
            byte[] mac = symmetric.confirmationMac(true, concat(h, sealedSecret));
            // encrypt MAC_S under k2, AD = h
            byte[] sealedMac = symmetric.encryptWithTranscript(mac);
            Body body = new Body();
            body.lengthPrefixed(sealedSecret);
            body.raw(sealedMac);
            RawFrame frame = RawFrame.of(WireConstants.TYPE_SERVER_FINISH, body.bytes());
            // mix the whole SERVER_FINISH
            symmetric.mixHash(frame.bytes());
            state = State.WAIT_CLIENT_FINISH;
            return frame;
        });
    }

    /** Client: recovers s2 and checks the server's key confirmation; the server is now trusted. */
    public void consumeServerFinish(RawFrame frame) throws ProtocolException {
        expect(State.WAIT_SERVER_FINISH);
        guardedChecked(() -> {
            requireType(frame, WireConstants.TYPE_SERVER_FINISH, "SERVER_FINISH");
            FieldReader r = new FieldReader(frame.body(), "SERVER_FINISH");
            int rsaLength = RsaOaep.ciphertextLength(identity.publicKey().key());
            byte[] sealedSecret = r.lengthPrefixed(rsaLength + TAG_LENGTH, rsaLength + TAG_LENGTH,
                    "sealed RSA-OAEP ciphertext", BAD_RSA_CIPHERTEXT);
            byte[] sealedMac = r.fixed(MAC_LENGTH + TAG_LENGTH, "sealed MAC");
            r.end();
            byte[] h = symmetric.handshakeHash();
            byte[] c2;
            try {
                c2 = symmetric.decryptWithTranscript(sealedSecret);
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(HANDSHAKE_DECRYPT_FAILED,
                        "SERVER_FINISH did not decrypt: the server does not share our keys");
            }
            // RSA-OAEP with implicit rejection: a bad ciphertext gives a random secret
            byte[] s2 = RsaOaep.decryptOrRandom(identity.privateKey(), c2, SECRET_LENGTH, random);
            symmetric.mixKey(s2);
            byte[] expected = symmetric.confirmationMac(true, concat(h, sealedSecret));
            byte[] mac;
            try {
                mac = symmetric.decryptWithTranscript(sealedMac);
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(KEY_CONFIRMATION_FAILED, "server key confirmation did not decrypt");
            }
            if (!MessageDigest.isEqual(expected, mac)) {
                throw new ProtocolException(KEY_CONFIRMATION_FAILED, "server key confirmation MAC is wrong");
            }
            // mix the whole SERVER_FINISH
            symmetric.mixHash(frame.bytes());
            state = State.SEND_CLIENT_FINISH;
        });
    }

    // ---------------------------------------------------------------- client finish

    /** Client: {@code AEAD(k2, MAC_C)} with {@code MAC_C = HMAC(kC, h)}. */
    public RawFrame createClientFinish() {
        expect(State.SEND_CLIENT_FINISH);
        return guarded(() -> {
            byte[] mac = symmetric.confirmationMac(false, symmetric.handshakeHash());
            byte[] sealedMac = symmetric.encryptWithTranscript(mac);
            RawFrame frame = RawFrame.of(WireConstants.TYPE_CLIENT_FINISH, sealedMac);
            // mix the whole CLIENT_FINISH
            symmetric.mixHash(frame.bytes());
            state = State.COMPLETE;
            return frame;
        });
    }

    /** Server: checks the client's key confirmation; the client is now trusted. */
    public void consumeClientFinish(RawFrame frame) throws ProtocolException {
        expect(State.WAIT_CLIENT_FINISH);
        guardedChecked(() -> {
            requireType(frame, WireConstants.TYPE_CLIENT_FINISH, "CLIENT_FINISH");
            FieldReader r = new FieldReader(frame.body(), "CLIENT_FINISH");
            byte[] sealedMac = r.fixed(MAC_LENGTH + TAG_LENGTH, "sealed MAC");
            r.end();
            byte[] expected = symmetric.confirmationMac(false, symmetric.handshakeHash());
            byte[] mac;
            try {
                mac = symmetric.decryptWithTranscript(sealedMac);
            } catch (GeneralSecurityException e) {
                throw new ProtocolException(KEY_CONFIRMATION_FAILED, "client key confirmation did not decrypt");
            }
            if (!MessageDigest.isEqual(expected, mac)) {
                throw new ProtocolException(KEY_CONFIRMATION_FAILED, "client key confirmation MAC is wrong");
            }
            // mix the whole CLIENT_FINISH
            symmetric.mixHash(frame.bytes());
            state = State.COMPLETE;
        });
    }

    // ---------------------------------------------------------------- split

    /** Both roles, after the last message: one traffic cipher per direction. */
    public Session split() {
        expect(State.COMPLETE);
        byte[] h = symmetric.handshakeHash();
        SymmetricState.TrafficKeys keys = symmetric.split();
        state = State.FAILED; // the state is spent: a second split is refused
        return role == Role.CLIENT
                ? new Session(role, version, peer, keys.clientToServer(), keys.serverToClient(), h)
                : new Session(role, version, peer, keys.serverToClient(), keys.clientToServer(), h);
    }

    /** The peer's identity as claimed so far: trusted only once the handshake is complete. */
    public PeerKey peer() {
        return peer;
    }

    /** Abandons the handshake and wipes its secrets. */
    public void fail() {
        state = State.FAILED;
        symmetric.destroy();
        ephemeral = null;
        kem = null;
    }

    // ---------------------------------------------------------------- helpers

    private static int chooseVersion(int[] offered) throws ProtocolException {
        int best = -1;
        for (int v : offered) {
            if (supported(v) && v > best) {
                best = v;
            }
        }
        if (best < 0) {
            throw new ProtocolException(UNSUPPORTED_VERSION, "server offers versions "
                    + java.util.Arrays.toString(offered) + ", none of which is supported");
        }
        return best;
    }

    private static boolean supported(int v) {
        for (int s : SUPPORTED_VERSIONS) {
            if (s == v) {
                return true;
            }
        }
        return false;
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
        if (!key.key().getPublicExponent().testBit(0) || key.key().getPublicExponent().bitLength() < 2) {
            throw new ProtocolException(BAD_IDENTITY_KEY, who + " identity has an invalid RSA public exponent");
        }
        return key;
    }

    private static void requireType(RawFrame frame, byte expected, String name) throws ProtocolException {
        byte type = frame.type();
        if (type == expected) {
            return;
        }
        boolean known = type == WireConstants.TYPE_SERVER_HELLO || type == WireConstants.TYPE_CLIENT_HELLO
                || type == WireConstants.TYPE_SERVER_FINISH || type == WireConstants.TYPE_CLIENT_FINISH
                || type == WireConstants.TYPE_RECORD;
        throw new ProtocolException(known ? UNEXPECTED_FRAME : GARBAGE,
                String.format("frame type 0x%02x where %s (0x%02x) was expected", type, name, expected));
    }

    private void expect(State expected) {
        if (state != expected) {
            throw new IllegalStateException("handshake is " + state + ", not " + expected);
        }
    }

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
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Builds a handshake body: big-endian integers, u16 length prefixes. */
    private static final class Body {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(2048);

        void u8(int v) {
            out.write(v);
        }

        void u16(int v) {
            out.write(v >>> 8);
            out.write(v);
        }

        void raw(byte[] bytes) {
            out.writeBytes(bytes);
        }

        void lengthPrefixed(byte[] bytes) {
            u16(bytes.length);
            raw(bytes);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    @Override
    public String toString() {
        return "Handshake[" + role + ", " + state + "]";
    }
}
