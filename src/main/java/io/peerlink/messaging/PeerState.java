package io.peerlink.messaging;

/** A known peer is CONNECTED while a session to it is up, DISCONNECTED otherwise. */
public enum PeerState {
    CONNECTED, DISCONNECTED
}
