package io.peerlink.crypto;

import java.util.Arrays;
import javax.security.auth.DestroyFailedException;
import javax.security.auth.Destroyable;

/**
 * Wiping of secrets once they are no longer needed: the byte arrays peerlink owns, and the key
 * objects whose JDK class can wipe itself. What Java leaves behind (copies inside
 * {@code SecretKeySpec}, cipher state, key objects that cannot be destroyed) is listed in
 * docs/PROTOCOL.md section 6.
 */
public final class Secrets {

    private Secrets() {
    }

    /** Overwrites every given array with zeros; null arrays are skipped. */
    public static void wipe(byte[]... arrays) {
        for (byte[] a : arrays) {
            if (a != null) {
                Arrays.fill(a, (byte) 0);
            }
        }
    }

    /**
     * Destroys {@code key} if its class can: JDK 25's ML-KEM private key wipes its bytes, while its
     * X25519 and RSA private keys and {@code SecretKeySpec} cannot be destroyed at all. Returns
     * whether it was destroyed; null is skipped.
     */
    public static boolean destroy(Destroyable key) {
        if (key == null) {
            return false;
        }
        try {
            key.destroy();
            return key.isDestroyed();
        } catch (DestroyFailedException e) {
            return false; // this JDK class keeps its secret until it is garbage-collected
        }
    }
}
