package io.peerlink.attack;

import io.peerlink.crypto.MlKem768;
import io.peerlink.crypto.RsaOaep;
import io.peerlink.crypto.SymmetricState;
import io.peerlink.crypto.X25519;
import io.peerlink.identity.PeerKey;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;

/**
 * The fields of the two hello messages as an attacker sees them: parsed from real frames, changed
 * one at a time, and written back (docs/PROTOCOL.md sections 5.1 and 5.2). Only public values.
 */
final class Hellos {

    private Hellos() {
    }

    /** SERVER_HELLO: versions, RSA identity SPKI, X25519 key, ML-KEM-768 encapsulation key, nonce. */
    record ServerHello(int[] versions, byte[] spki, byte[] x25519, byte[] encapsulationKey, byte[] nonce) {

        static ServerHello parse(RawFrame frame) {
            ByteBuffer b = ByteBuffer.wrap(frame.body());
            int[] versions = new int[b.get() & 0xFF];
            for (int i = 0; i < versions.length; i++) {
                versions[i] = b.getShort() & 0xFFFF;
            }
            return new ServerHello(versions, lengthPrefixed(b), fixed(b, WireConstants.X25519_KEY_LENGTH),
                    lengthPrefixed(b), fixed(b, WireConstants.NONCE_LENGTH));
        }

        RawFrame frame() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(versions.length);
            for (int v : versions) {
                u16(out, v);
            }
            lengthPrefixed(out, spki);
            out.writeBytes(x25519);
            lengthPrefixed(out, encapsulationKey);
            out.writeBytes(nonce);
            return RawFrame.of(WireConstants.TYPE_SERVER_HELLO, out.toByteArray());
        }

        ServerHello withVersions(int... offered) {
            return new ServerHello(offered, spki, x25519, encapsulationKey, nonce);
        }

        ServerHello withSpki(byte[] other) {
            return new ServerHello(versions, other, x25519, encapsulationKey, nonce);
        }

        ServerHello withX25519(byte[] other) {
            return new ServerHello(versions, spki, other, encapsulationKey, nonce);
        }

        ServerHello withEncapsulationKey(byte[] other) {
            return new ServerHello(versions, spki, x25519, other, nonce);
        }
    }

    /** CLIENT_HELLO: chosen version, X25519 key, ML-KEM ciphertext, RSA-OAEP ciphertext, sealed identity. */
    record ClientHello(int version, byte[] x25519, byte[] kemCiphertext, byte[] rsaCiphertext,
            byte[] sealedIdentity) {

        static ClientHello parse(RawFrame frame) {
            ByteBuffer b = ByteBuffer.wrap(frame.body());
            int version = b.getShort() & 0xFFFF;
            return new ClientHello(version, fixed(b, WireConstants.X25519_KEY_LENGTH), lengthPrefixed(b),
                    lengthPrefixed(b), lengthPrefixed(b));
        }

        RawFrame frame() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            u16(out, version);
            out.writeBytes(x25519);
            lengthPrefixed(out, kemCiphertext);
            lengthPrefixed(out, rsaCiphertext);
            lengthPrefixed(out, sealedIdentity);
            return RawFrame.of(WireConstants.TYPE_CLIENT_HELLO, out.toByteArray());
        }

        ClientHello withVersion(int other) {
            return new ClientHello(other, x25519, kemCiphertext, rsaCiphertext, sealedIdentity);
        }

        ClientHello withX25519(byte[] other) {
            return new ClientHello(version, other, kemCiphertext, rsaCiphertext, sealedIdentity);
        }

        ClientHello withKemCiphertext(byte[] other) {
            return new ClientHello(version, x25519, other, rsaCiphertext, sealedIdentity);
        }

        ClientHello withRsaCiphertext(byte[] other) {
            return new ClientHello(version, x25519, kemCiphertext, other, sealedIdentity);
        }
    }

    /**
     * A CLIENT_HELLO that follows the key schedule exactly (docs/PROTOCOL.md section 6) but seals
     * {@code identitySpki}, whatever it is, as the client's identity: what a client with a non-RSA
     * key would send. The server can open it, so it gets as far as checking the key itself.
     */
    static RawFrame clientHelloWithIdentity(RawFrame serverHello, byte[] identitySpki, SecureRandom random)
            throws GeneralSecurityException {
        ServerHello server = ServerHello.parse(serverHello);
        SymmetricState symmetric = new SymmetricState(WireConstants.PROTOCOL_NAME_V1);
        // mix the whole SERVER_HELLO
        symmetric.mixHash(serverHello.bytes());
        KeyPair own = X25519.generate(random);
        byte[] dh = X25519.agree(own.getPrivate(), server.x25519());
        MlKem768.Encapsulation kem = MlKem768.encapsulate(server.encapsulationKey(), random);
        byte[] s1 = new byte[WireConstants.SECRET_LENGTH];
        random.nextBytes(s1);
        byte[] rsaCiphertext = RsaOaep.encrypt(PeerKey.fromSpki(server.spki()).key(), s1, random);
        // mix X25519, ML-KEM and the RSA-OAEP secret into ck
        symmetric.mixKey(dh);
        symmetric.mixKey(kem.sharedSecret());
        symmetric.mixKey(s1);
        byte[] sealedIdentity = symmetric.encryptWithTranscript(identitySpki);
        return new ClientHello(WireConstants.VERSION_1, X25519.raw(own.getPublic()), kem.ciphertext(), rsaCiphertext,
                sealedIdentity).frame();
    }

    private static byte[] fixed(ByteBuffer b, int length) {
        byte[] out = new byte[length];
        b.get(out);
        return out;
    }

    private static byte[] lengthPrefixed(ByteBuffer b) {
        return fixed(b, b.getShort() & 0xFFFF);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void lengthPrefixed(ByteArrayOutputStream out, byte[] bytes) {
        u16(out, bytes.length);
        out.writeBytes(bytes);
    }
}
