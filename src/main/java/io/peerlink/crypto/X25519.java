package io.peerlink.crypto;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * X25519 (RFC 7748) through the JCA, with keys on the wire as their raw 32-byte u-coordinate.
 *
 * <p>The JCA takes public keys only as X.509 SubjectPublicKeyInfo; for X25519 that encoding is a
 * fixed 12-byte DER prefix followed by the raw key (RFC 8410), so raw keys are wrapped in it.
 */
public final class X25519 {

    public static final int KEY_LENGTH = 32;
    private static final byte[] SPKI_PREFIX = java.util.HexFormat.of().parseHex("302a300506032b656e032100");

    private X25519() {
    }

    public static KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("X25519");
            generator.initialize(255, random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is missing from this JDK", e);
        }
    }

    /** The raw 32-byte little-endian u-coordinate of a public key. */
    public static byte[] raw(PublicKey key) {
        byte[] spki = key.getEncoded();
        return Arrays.copyOfRange(spki, spki.length - KEY_LENGTH, spki.length);
    }

    public static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        if (raw.length != KEY_LENGTH) {
            throw new GeneralSecurityException("X25519 key must be 32 bytes, was " + raw.length);
        }
        byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + KEY_LENGTH);
        System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, KEY_LENGTH);
        return KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    /**
     * The shared secret. Throws when the peer's key is a low-order point (the JDK refuses an
     * all-zero result with "Point has small order", as RFC 7748 section 6.1 allows).
     */
    public static byte[] agree(PrivateKey own, byte[] peerRaw) throws GeneralSecurityException {
        KeyAgreement agreement = KeyAgreement.getInstance("X25519");
        agreement.init(own);
        agreement.doPhase(publicKey(peerRaw), true);
        byte[] shared = agreement.generateSecret();
        if (isAllZero(shared)) {
            // Defence in depth: the JDK already refuses this, but the protocol depends on it.
            throw new GeneralSecurityException("X25519 shared secret is all zero");
        }
        return shared;
    }

    private static boolean isAllZero(byte[] bytes) {
        int acc = 0;
        for (byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }
}
