package io.peerlink.store;

/** How far this peer trusts a contact's identity key. */
public enum Trust {
    /** Accepted on first use: nobody compared safety numbers yet. */
    UNVERIFIED,
    /** The user confirmed the safety number. */
    VERIFIED,
    /** Another identity answered at this contact's address: its key may have changed, or someone sits in between. */
    CHANGED
}
