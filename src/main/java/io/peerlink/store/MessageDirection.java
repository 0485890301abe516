package io.peerlink.store;

/** Who wrote a message: this peer ({@code OUT}) or the other one ({@code IN}). */
public enum MessageDirection { IN, OUT }
