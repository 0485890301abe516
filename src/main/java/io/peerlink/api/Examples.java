package io.peerlink.api;

/** Example values for the OpenAPI document (compile-time constants, as annotations need them). */
final class Examples {

    static final String PEER_ID = "3f2a9c01e4b7d2a86c5f0b1e9d3a7c4b2e8f6a1d0c9b5e3f7a2d4c6b8e0f1a3c";
    static final String PEER_ID_2 = "9b1e4c7a2d5f8e0b3a6c9d2e5f8a1b4c7d0e3f6a9b2c5d8e1f4a7b0c3d6e9f2a";
    static final String FINGERPRINT = "3f2a 9c01 e4b7 d2a8 6c5f 0b1e 9d3a 7c4b 2e8f 6a1d 0c9b 5e3f 7a2d 4c6b 8e0f 1a3c";
    static final String SAFETY_NUMBER = "05821 93317 44620 18275 66194 30951 78802 41169 02738 55410 93367 21584";
    static final String PUBLIC_KEY_PEM = "-----BEGIN PUBLIC KEY-----\nMIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEA...\n-----END PUBLIC KEY-----\n";
    static final String MESSAGE_ID = "6f1c2b9e-3d4a-4c8f-9b2e-7a1d5c3e8f40";
    static final String INSTANT = "2026-11-25T10:15:30.123Z";

    private Examples() {
    }
}
