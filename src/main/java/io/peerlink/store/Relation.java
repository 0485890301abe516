package io.peerlink.store;

/**
 * How this peer relates to an identity: CONTACT (this peer dialled it, or the user accepted it),
 * REQUEST (it connected on its own and nobody accepted it yet) or BLOCKED (refused right after
 * every handshake; nothing it sends is stored).
 */
public enum Relation {
    CONTACT, REQUEST, BLOCKED
}
