package io.peerlink.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The handshake's key schedule, after the Noise framework's SymmetricState: a chaining key
 * {@code ck}, a transcript hash {@code h} and a handshake cipher {@code k} with its counter.
 * docs/PROTOCOL.md section "Key schedule" is the reference for every step here.
 */
public final class SymmetricState {

    public static final int HASH_LENGTH = 32;

    static final byte[] CONFIRM_SERVER = ascii("peerlink v1 server finished");
    static final byte[] CONFIRM_CLIENT = ascii("peerlink v1 client finished");
    static final byte[] SPLIT_C2S = ascii("peerlink v1 client to server");
    static final byte[] SPLIT_S2C = ascii("peerlink v1 server to client");

    private byte[] h;
    private byte[] ck;
    private CipherState k;

    /** The two traffic keys from {@link #split()}: client-to-server and server-to-client. */
    public record TrafficKeys(CipherState clientToServer, CipherState serverToClient) {
    }

    /** {@code h = SHA-256(protocolName)}, {@code ck = h}, no key yet. */
    public SymmetricState(String protocolName) {
        this.h = sha256(ascii(protocolName));
        this.ck = h.clone();
    }

    /** {@code h = SHA-256(h || data)}. */
    public void mixHash(byte[] data) {
        h = sha256(h, data);
    }

    /**
     * {@code ck, k = HKDF(salt = ck, ikm, info = "", L = 64)} split in two halves; the nonce
     * counter restarts at 0 with the new key. Wipes {@code ikm}.
     */
    public void mixKey(byte[] ikm) {
        byte[] out = Hkdf.extractAndExpand(ck, ikm, new byte[0], 2 * HASH_LENGTH);
        Secrets.wipe(ck, ikm);
        ck = Arrays.copyOfRange(out, 0, HASH_LENGTH);
        if (k != null) {
            k.destroy();
        }
        k = new CipherState(Arrays.copyOfRange(out, HASH_LENGTH, 2 * HASH_LENGTH));
        Secrets.wipe(out);
    }

    /** AES-256-GCM under {@code k} with {@code h} as associated data (h is not changed). */
    public byte[] encryptWithTranscript(byte[] plaintext) throws GeneralSecurityException {
        return requireKey().encrypt(h, plaintext);
    }

    /** The inverse of {@link #encryptWithTranscript}; fails on any tampering. */
    public byte[] decryptWithTranscript(byte[] ciphertext) throws GeneralSecurityException {
        return requireKey().decrypt(h, ciphertext);
    }

    /** HMAC-SHA256 under the server's or client's confirmation key, over {@code transcript}. */
    public byte[] confirmationMac(boolean serverRole, byte[] transcript) {
        byte[] macKey = Hkdf.extractAndExpand(ck, new byte[0], serverRole ? CONFIRM_SERVER : CONFIRM_CLIENT, HASH_LENGTH);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            return mac.doFinal(transcript);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        } finally {
            Secrets.wipe(macKey);
        }
    }

    /**
     * {@code prk = HKDF-Extract(salt = ck, ikm = h)}; one key per direction with distinct labels.
     * Wipes this state: no further handshake operation is possible.
     */
    public TrafficKeys split() {
        byte[] prk = Hkdf.extract(ck, h);
        byte[] c2s = Hkdf.expand(prk, SPLIT_C2S, AesGcm.KEY_LENGTH);
        byte[] s2c = Hkdf.expand(prk, SPLIT_S2C, AesGcm.KEY_LENGTH);
        Secrets.wipe(prk);
        destroy();
        return new TrafficKeys(new CipherState(c2s), new CipherState(s2c));
    }

    /** A copy of the transcript hash {@code h}. */
    public byte[] handshakeHash() {
        return h.clone();
    }

    public void destroy() {
        Secrets.wipe(ck);
        if (k != null) {
            k.destroy();
            k = null;
        }
    }

    private CipherState requireKey() {
        if (k == null) {
            throw new IllegalStateException("no handshake key yet: mixKey first");
        }
        return k;
    }

    public static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "SymmetricState[<redacted>]";
    }
}
