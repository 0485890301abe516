package io.peerlink.identity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Human-comparable renderings of identities. docs/PROTOCOL.md section "Fingerprints and safety
 * numbers" is the reference.
 */
public final class Fingerprints {

    /** SHA-512 iterations per identity, as in Signal's numeric fingerprints. */
    static final int ITERATIONS = 5200;
    static final int VERSION = 0;
    static final int DIGITS_PER_IDENTITY = 30;
    /** Prefix and version of the safety number's QR payload. */
    static final String PAYLOAD_PREFIX = "peerlink-safety:1:";

    private Fingerprints() {
    }

    /** A peerId (64 lowercase hex digits) as 16 space-separated groups of 4. */
    public static String fingerprint(String peerId) {
        StringBuilder b = new StringBuilder(peerId.length() + peerId.length() / 4);
        for (int i = 0; i < peerId.length(); i += 4) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(peerId, i, i + 4);
        }
        return b.toString();
    }

    /** Normalises a fingerprint typed by a person: spaces, colons and case are ignored. */
    public static String normalise(String fingerprint) {
        return fingerprint.replaceAll("[\\s:]", "").toLowerCase(Locale.ROOT);
    }

    /**
     * The safety number of two identities: 60 digits in 12 groups of 5, identical on both sides
     * whatever the order of the arguments.
     */
    public static String safetyNumber(PeerKey a, PeerKey b) {
        String da = identityDigits(a);
        String db = identityDigits(b);
        String joined = da.compareTo(db) <= 0 ? da + db : db + da;
        StringBuilder out = new StringBuilder(joined.length() + 11);
        for (int i = 0; i < joined.length(); i += 5) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(joined, i, i + 5);
        }
        return out.toString();
    }

    /**
     * What the safety number's QR code encodes:
     * {@code peerlink-safety:1:<60 digits>:<lower peerId>:<higher peerId>}, the two peerIds in
     * lowercase hex ordered as strings, so both peers of a pair encode the same text.
     */
    public static String safetyNumberPayload(PeerKey a, PeerKey b) {
        return safetyNumberPayload(safetyNumber(a, b), a.peerId(), b.peerId());
    }

    /**
     * {@link #safetyNumberPayload(PeerKey, PeerKey)} from a safety number already computed for the
     * identities {@code peerIdA} and {@code peerIdB} (in either order).
     */
    public static String safetyNumberPayload(String safetyNumber, String peerIdA, String peerIdB) {
        String digits = safetyNumber.replace(" ", "");
        if (!digits.matches("[0-9]{" + 2 * DIGITS_PER_IDENTITY + "}")) {
            throw new IllegalArgumentException("not a safety number: " + safetyNumber);
        }
        String a = requirePeerId(peerIdA);
        String b = requirePeerId(peerIdB);
        return PAYLOAD_PREFIX + digits + ':' + (a.compareTo(b) <= 0 ? a + ':' + b : b + ':' + a);
    }

    private static String requirePeerId(String peerId) {
        if (!peerId.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a peerId (64 lowercase hex digits): " + peerId);
        }
        return peerId;
    }

    /**
     * 30 digits for one identity: {@code H0 = SHA-512(uint16 version || spki || "peerlink")},
     * {@code H(i+1) = SHA-512(H(i) || spki)} for 5200 rounds; the first 30 bytes of the last hash
     * in six chunks of 5 bytes, each read as a big-endian integer modulo 100000, written as 5 digits.
     */
    static String identityDigits(PeerKey key) {
        byte[] spki = key.spki();
        try {
            MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
            sha512.update(new byte[] {(byte) (VERSION >>> 8), (byte) VERSION});
            sha512.update(spki);
            sha512.update("peerlink".getBytes(StandardCharsets.US_ASCII));
            byte[] hash = sha512.digest();
            for (int i = 0; i < ITERATIONS; i++) {
                sha512.update(hash);
                sha512.update(spki);
                hash = sha512.digest();
            }
            StringBuilder digits = new StringBuilder(DIGITS_PER_IDENTITY);
            for (int chunk = 0; chunk < 6; chunk++) {
                ByteBuffer b = ByteBuffer.allocate(8);
                b.put(new byte[3]).put(hash, chunk * 5, 5).flip();
                appendFiveDigits(digits, b.getLong() % 100000);
            }
            return digits.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is missing from this JDK", e);
        }
    }

    /**
     * {@code value} (0..99999) as exactly 5 ASCII digits, zero-padded. Plain arithmetic, not
     * {@code String.format}: a formatter would print the default locale's digits (Persian ones
     * under {@code fa-IR}), and both sides must show the same 60 characters.
     */
    private static void appendFiveDigits(StringBuilder out, long value) {
        for (long divisor = 10000; divisor > 0; divisor /= 10) {
            out.append((char) ('0' + (value / divisor) % 10));
        }
    }
}
