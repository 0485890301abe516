package io.peerlink.crypto;

import java.util.Arrays;

/** Wiping of secret byte arrays once they are no longer needed. */
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
}
