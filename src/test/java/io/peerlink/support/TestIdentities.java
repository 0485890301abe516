package io.peerlink.support;

import io.peerlink.identity.Identity;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/** RSA identities for tests, generated once per JVM per name (key generation is slow). */
public final class TestIdentities {

    private static final Map<String, Identity> CACHE = new ConcurrentHashMap<>();

    private TestIdentities() {
    }

    public static Identity named(String name) {
        return named(name, 2048);
    }

    public static Identity named(String name, int bits) {
        return CACHE.computeIfAbsent(name + "/" + bits, k -> new Identity(generate(bits)));
    }

    public static KeyPair generate(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
