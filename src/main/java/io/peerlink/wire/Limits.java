package io.peerlink.wire;

/**
 * Tuning knobs of one connection's record layer (not wire constants: peers may differ).
 *
 * @param maxFrameLength largest record body accepted; a longer length prefix is refused unread
 * @param maxMessageBytes largest message text accepted, in UTF-8 bytes
 * @param keyUpdateAfterFrames a sender updates its key after this many records under one key
 */
public record Limits(int maxFrameLength, int maxMessageBytes, long keyUpdateAfterFrames) {

    public static final int DEFAULT_MAX_FRAME_LENGTH = 1 << 20;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 65536;
    public static final long DEFAULT_KEY_UPDATE_AFTER_FRAMES = 1L << 20;

    public static final Limits DEFAULTS =
            new Limits(DEFAULT_MAX_FRAME_LENGTH, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_KEY_UPDATE_AFTER_FRAMES);

    public Limits {
        if (maxFrameLength < WireConstants.MIN_RECORD_LENGTH) {
            throw new IllegalArgumentException("maxFrameLength too small: " + maxFrameLength);
        }
        if (maxMessageBytes < 1 || maxMessageBytes + WireConstants.MESSAGE_FIXED_LENGTH
                + WireConstants.MIN_RECORD_LENGTH > maxFrameLength) {
            throw new IllegalArgumentException("maxMessageBytes " + maxMessageBytes
                    + " does not fit in a frame of " + maxFrameLength + " bytes");
        }
        if (keyUpdateAfterFrames < 1) {
            throw new IllegalArgumentException("keyUpdateAfterFrames must be positive: " + keyUpdateAfterFrames);
        }
    }
}
