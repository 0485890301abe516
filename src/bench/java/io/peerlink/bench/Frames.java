package io.peerlink.bench;

import io.peerlink.wire.RawFrame;

/**
 * The load tool's frames are peerlink's own ({@link RawFrame}: {@code u32 length | u8 type | body},
 * read and written by the production code). What the tool keeps of its own is only this: the type
 * bytes of the baselines' frames, which are not peerlink records and so have no place among the
 * protocol's constants, and a body limit large enough for a 64 KiB message under RSA-2048.
 */
public final class Frames {

    /** Bodies above this are refused before allocating; a 64 KiB message under RSA-2048 is 88,320 bytes. */
    public static final int MAX_BODY_LENGTH = 1 << 20;

    /** Baseline "plain": the body is the message itself (also what the TLS baseline carries). */
    public static final byte TYPE_PLAIN = 0x01;
    /** Baseline "RSA-OAEP per message": the body is a sequence of RSA-OAEP blocks. */
    public static final byte TYPE_RSA_OAEP = 0x02;

    private Frames() {
    }

    /** The 5 header bytes (the production {@link RawFrame#header}). */
    public static byte[] header(int type, int bodyLength) {
        return RawFrame.header((byte) type, bodyLength);
    }
}
