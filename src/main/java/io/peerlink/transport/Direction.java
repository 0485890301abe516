package io.peerlink.transport;

/** Who dialled: INBOUND connections were accepted by our listener, OUTBOUND ones we dialled. */
public enum Direction {
    INBOUND, OUTBOUND
}
