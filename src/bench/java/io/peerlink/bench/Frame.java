package io.peerlink.bench;

/** One frame as it travels: the type byte and the body (the length is the body's). */
public record Frame(int type, byte[] body) {

    /** The 5 header bytes of this frame: the AEAD associated data of a peerlink record. */
    public byte[] header() {
        return Frames.header(type, body.length);
    }
}
