package io.peerlink.bench;

import io.peerlink.wire.RawFrame;
import java.security.GeneralSecurityException;

/**
 * How one direction of a {@link FramedChannel} turns messages into frames and back: the plug-in
 * point for a transport whose handshake is over and whose records are one frame per message.
 * An instance may hold per-direction state (a nonce counter) and is used by one thread.
 */
public interface Framing {

    /** The frame body carrying {@code message}; may be the message's own array. */
    byte[] seal(byte[] message) throws GeneralSecurityException;

    /** The frame type {@link #seal} produces. */
    byte type();

    /** The message carried by {@code frame}; throws if the frame is not authentic or not expected. */
    byte[] open(RawFrame frame) throws GeneralSecurityException;
}
