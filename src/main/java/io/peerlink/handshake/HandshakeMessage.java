package io.peerlink.handshake;

import static io.peerlink.wire.ProtocolException.Reason.BAD_EPHEMERAL_KEY;
import static io.peerlink.wire.ProtocolException.Reason.BAD_IDENTITY_KEY;
import static io.peerlink.wire.ProtocolException.Reason.BAD_KEM_CIPHERTEXT;
import static io.peerlink.wire.ProtocolException.Reason.BAD_RSA_CIPHERTEXT;
import static io.peerlink.wire.ProtocolException.Reason.MALFORMED;
import static io.peerlink.wire.WireConstants.MAC_LENGTH;
import static io.peerlink.wire.WireConstants.MAX_OFFERED_VERSIONS;
import static io.peerlink.wire.WireConstants.MAX_SPKI_LENGTH;
import static io.peerlink.wire.WireConstants.MLKEM_CIPHERTEXT_LENGTH;
import static io.peerlink.wire.WireConstants.MLKEM_ENCAPSULATION_KEY_LENGTH;
import static io.peerlink.wire.WireConstants.NONCE_LENGTH;
import static io.peerlink.wire.WireConstants.TAG_LENGTH;
import static io.peerlink.wire.WireConstants.X25519_KEY_LENGTH;

import io.peerlink.wire.ProtocolException;
import io.peerlink.wire.RawFrame;
import io.peerlink.wire.WireConstants;
import java.util.Arrays;
import java.util.Objects;

/**
 * The four handshake messages as they cross the wire (docs/PROTOCOL.md sections 5.1 to 5.4), one
 * record each. {@code decode} checks the frame type, every length and that no byte is left over,
 * and refuses anything else with the reason the protocol names; whether a version is supported, a
 * key acceptable or a ciphertext genuine is for {@link Handshake} to decide. {@code encode} writes
 * the fields exactly as they are, so that tests can also build messages a correct peer never sends;
 * it refuses only what the format cannot express (a field longer than 65535 bytes, more than 255
 * versions).
 *
 * <p>Every field is public: each is sent as it is, and the secret parts travel sealed or
 * RSA-encrypted. That is why these may be records, unlike anything holding key bytes. The arrays
 * are not copied: a message is built once and then only encoded, or decoded once and then only read.
 */
public sealed interface HandshakeMessage {

    /** The message as one frame, header included: the bytes that go on the wire and into {@code h}. */
    RawFrame encode();

    /**
     * SERVER_HELLO (type 0x01), server to client, plaintext.
     *
     * <pre>
     * | count u8 | versions u16[count] | u16 len | spki_S | e_s (32) | u16 len = 1184 | ek (1184) | nonce (32) |
     * </pre>
     *
     * @param versions the offered versions, 1 to 8 of them
     * @param spki the server's RSA identity, a DER SubjectPublicKeyInfo ({@code spki_S}), 1..1100 bytes
     * @param ephemeralKey the server's X25519 public key ({@code e_s})
     * @param encapsulationKey the server's ML-KEM-768 encapsulation key ({@code ek})
     * @param nonce 32 random bytes
     */
    record ServerHello(int[] versions, byte[] spki, byte[] ephemeralKey, byte[] encapsulationKey, byte[] nonce)
            implements HandshakeMessage {

        public ServerHello {
            Objects.requireNonNull(versions, "versions");
            Objects.requireNonNull(spki, "spki");
            Objects.requireNonNull(ephemeralKey, "ephemeralKey");
            Objects.requireNonNull(encapsulationKey, "encapsulationKey");
            Objects.requireNonNull(nonce, "nonce");
        }

        /** Refuses a count of 0 or above 8 and a length prefix out of range, each with its reason. */
        public static ServerHello decode(RawFrame frame) throws ProtocolException {
            FieldReader r = FieldReader.of(frame, WireConstants.TYPE_SERVER_HELLO, "SERVER_HELLO");
            int count = r.u8("version count");
            if (count < 1 || count > MAX_OFFERED_VERSIONS) {
                throw new ProtocolException(MALFORMED, "SERVER_HELLO offers " + count + " versions, expected 1.."
                        + MAX_OFFERED_VERSIONS);
            }
            int[] versions = new int[count];
            for (int i = 0; i < count; i++) {
                versions[i] = r.u16("version");
            }
            byte[] spki = r.lengthPrefixed(1, MAX_SPKI_LENGTH, "RSA public key", BAD_IDENTITY_KEY);
            byte[] ephemeralKey = r.fixed(X25519_KEY_LENGTH, "X25519 key");
            byte[] encapsulationKey = r.lengthPrefixed(MLKEM_ENCAPSULATION_KEY_LENGTH, MLKEM_ENCAPSULATION_KEY_LENGTH,
                    "ML-KEM-768 encapsulation key", BAD_EPHEMERAL_KEY);
            byte[] nonce = r.fixed(NONCE_LENGTH, "nonce");
            r.end();
            return new ServerHello(versions, spki, ephemeralKey, encapsulationKey, nonce);
        }

        @Override
        public RawFrame encode() {
            FieldWriter w = new FieldWriter();
            w.u8Count(versions.length, "versions");
            for (int v : versions) {
                w.u16(v);
            }
            w.lengthPrefixed(spki, "spki");
            w.raw(ephemeralKey);
            w.lengthPrefixed(encapsulationKey, "encapsulationKey");
            w.raw(nonce);
            return w.frame(WireConstants.TYPE_SERVER_HELLO);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ServerHello other && Arrays.equals(versions, other.versions)
                    && Arrays.equals(spki, other.spki) && Arrays.equals(ephemeralKey, other.ephemeralKey)
                    && Arrays.equals(encapsulationKey, other.encapsulationKey) && Arrays.equals(nonce, other.nonce);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(versions), Arrays.hashCode(spki), Arrays.hashCode(ephemeralKey),
                    Arrays.hashCode(encapsulationKey), Arrays.hashCode(nonce));
        }

        @Override
        public String toString() {
            return "ServerHello[versions=" + Arrays.toString(versions) + ", spki=" + spki.length + " bytes]";
        }
    }

    /**
     * CLIENT_HELLO (type 0x02), client to server.
     *
     * <pre>
     * | version u16 | e_c (32) | u16 len = 1088 | ct (1088) | u16 len = |n_S| | c1 | u16 len | enc_id |
     * </pre>
     *
     * @param version the version the client chose
     * @param ephemeralKey the client's X25519 public key ({@code e_c})
     * @param kemCiphertext the ML-KEM-768 ciphertext ({@code ct})
     * @param rsaCiphertext {@code c1 = RSA-OAEP(spki_S, s1)}, exactly as long as the server's modulus
     * @param sealedIdentity {@code enc_id = AEAD(k1, 0, h1, spki_C)}, 17..1116 bytes
     */
    record ClientHello(int version, byte[] ephemeralKey, byte[] kemCiphertext, byte[] rsaCiphertext,
            byte[] sealedIdentity) implements HandshakeMessage {

        public ClientHello {
            Objects.requireNonNull(ephemeralKey, "ephemeralKey");
            Objects.requireNonNull(kemCiphertext, "kemCiphertext");
            Objects.requireNonNull(rsaCiphertext, "rsaCiphertext");
            Objects.requireNonNull(sealedIdentity, "sealedIdentity");
        }

        /**
         * Decodes a CLIENT_HELLO for a server whose RSA modulus is {@code rsaCiphertextLength} bytes
         * long: {@code c1} must be exactly that long (BAD_RSA_CIPHERTEXT), {@code ct} exactly 1088
         * bytes (BAD_KEM_CIPHERTEXT).
         */
        public static ClientHello decode(RawFrame frame, int rsaCiphertextLength) throws ProtocolException {
            FieldReader r = FieldReader.of(frame, WireConstants.TYPE_CLIENT_HELLO, "CLIENT_HELLO");
            int version = r.u16("version");
            byte[] ephemeralKey = r.fixed(X25519_KEY_LENGTH, "X25519 key");
            byte[] kemCiphertext = r.lengthPrefixed(MLKEM_CIPHERTEXT_LENGTH, MLKEM_CIPHERTEXT_LENGTH,
                    "ML-KEM-768 ciphertext", BAD_KEM_CIPHERTEXT);
            byte[] rsaCiphertext = r.lengthPrefixed(rsaCiphertextLength, rsaCiphertextLength, "RSA-OAEP ciphertext",
                    BAD_RSA_CIPHERTEXT);
            byte[] sealedIdentity = r.lengthPrefixed(TAG_LENGTH + 1, MAX_SPKI_LENGTH + TAG_LENGTH,
                    "encrypted identity", MALFORMED);
            r.end();
            return new ClientHello(version, ephemeralKey, kemCiphertext, rsaCiphertext, sealedIdentity);
        }

        @Override
        public RawFrame encode() {
            FieldWriter w = new FieldWriter();
            w.u16(version);
            w.raw(ephemeralKey);
            w.lengthPrefixed(kemCiphertext, "kemCiphertext");
            w.lengthPrefixed(rsaCiphertext, "rsaCiphertext");
            w.lengthPrefixed(sealedIdentity, "sealedIdentity");
            return w.frame(WireConstants.TYPE_CLIENT_HELLO);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ClientHello other && version == other.version
                    && Arrays.equals(ephemeralKey, other.ephemeralKey) && Arrays.equals(kemCiphertext, other.kemCiphertext)
                    && Arrays.equals(rsaCiphertext, other.rsaCiphertext)
                    && Arrays.equals(sealedIdentity, other.sealedIdentity);
        }

        @Override
        public int hashCode() {
            return Objects.hash(version, Arrays.hashCode(ephemeralKey), Arrays.hashCode(kemCiphertext),
                    Arrays.hashCode(rsaCiphertext), Arrays.hashCode(sealedIdentity));
        }

        @Override
        public String toString() {
            return "ClientHello[version=" + version + ", c1=" + rsaCiphertext.length + " bytes, enc_id="
                    + sealedIdentity.length + " bytes]";
        }
    }

    /**
     * SERVER_FINISH (type 0x03), server to client.
     *
     * <pre>
     * | u16 len = |n_C| + 16 | sealed_c2 = AEAD(k1, 1, h2, c2) | sealed_mac = AEAD(k2, 0, h2, MAC_S) (48) |
     * </pre>
     *
     * @param sealedSecret {@code sealed_c2}, the server's RSA-OAEP ciphertext of s2 sealed under k1
     * @param sealedMac {@code sealed_mac}, the server's key confirmation sealed under k2: 48 bytes
     */
    record ServerFinish(byte[] sealedSecret, byte[] sealedMac) implements HandshakeMessage {

        public ServerFinish {
            Objects.requireNonNull(sealedSecret, "sealedSecret");
            Objects.requireNonNull(sealedMac, "sealedMac");
        }

        /**
         * Decodes a SERVER_FINISH for a client whose RSA modulus is {@code rsaCiphertextLength} bytes
         * long: {@code sealed_c2} must be exactly 16 bytes longer (BAD_RSA_CIPHERTEXT).
         */
        public static ServerFinish decode(RawFrame frame, int rsaCiphertextLength) throws ProtocolException {
            FieldReader r = FieldReader.of(frame, WireConstants.TYPE_SERVER_FINISH, "SERVER_FINISH");
            int sealedLength = rsaCiphertextLength + TAG_LENGTH;
            byte[] sealedSecret = r.lengthPrefixed(sealedLength, sealedLength, "sealed RSA-OAEP ciphertext",
                    BAD_RSA_CIPHERTEXT);
            byte[] sealedMac = r.fixed(MAC_LENGTH + TAG_LENGTH, "sealed MAC");
            r.end();
            return new ServerFinish(sealedSecret, sealedMac);
        }

        @Override
        public RawFrame encode() {
            FieldWriter w = new FieldWriter();
            w.lengthPrefixed(sealedSecret, "sealedSecret");
            w.raw(sealedMac);
            return w.frame(WireConstants.TYPE_SERVER_FINISH);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ServerFinish other && Arrays.equals(sealedSecret, other.sealedSecret)
                    && Arrays.equals(sealedMac, other.sealedMac);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(sealedSecret) + Arrays.hashCode(sealedMac);
        }

        @Override
        public String toString() {
            return "ServerFinish[sealed_c2=" + sealedSecret.length + " bytes, sealed_mac=" + sealedMac.length
                    + " bytes]";
        }
    }

    /**
     * CLIENT_FINISH (type 0x04), client to server: the body is {@code AEAD(k2, 1, h3, MAC_C)}, 48 bytes,
     * without a length prefix.
     *
     * @param sealedMac the client's key confirmation sealed under k2
     */
    record ClientFinish(byte[] sealedMac) implements HandshakeMessage {

        public ClientFinish {
            Objects.requireNonNull(sealedMac, "sealedMac");
        }

        /** Refuses a body of any length but 48 bytes (MALFORMED). */
        public static ClientFinish decode(RawFrame frame) throws ProtocolException {
            FieldReader r = FieldReader.of(frame, WireConstants.TYPE_CLIENT_FINISH, "CLIENT_FINISH");
            byte[] sealedMac = r.fixed(MAC_LENGTH + TAG_LENGTH, "sealed MAC");
            r.end();
            return new ClientFinish(sealedMac);
        }

        @Override
        public RawFrame encode() {
            FieldWriter w = new FieldWriter();
            w.raw(sealedMac);
            return w.frame(WireConstants.TYPE_CLIENT_FINISH);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ClientFinish other && Arrays.equals(sealedMac, other.sealedMac);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(sealedMac);
        }

        @Override
        public String toString() {
            return "ClientFinish[sealed_mac=" + sealedMac.length + " bytes]";
        }
    }
}
