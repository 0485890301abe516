package io.peerlink.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Cipher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@link Provider} serves RSA-OAEP decryption and AES-GCM. Everything else (X25519, ML-KEM-768,
 * HKDF, SHA-256, HMAC, key generation, and RSA-OAEP encryption, see {@link RsaOaep#encrypt}) always
 * comes from the JDK's own providers, through the ordinary lookup: the Amazon Corretto Crypto Provider
 * (ACCP, AWS-LC underneath) is never installed as a global provider, it is only asked by name for the
 * two algorithms below.
 *
 * <p>With {@link Setting#AUTO} (the default) ACCP serves the algorithms where it measured faster
 * than the JDK in this project's JMH benchmarks (RSA-3072 OAEP decryption, 1.7-2.4×; its AES-GCM was
 * slower at the sizes messages have), provided its native library loaded and its self-tests passed;
 * on any other platform, or when it is unhealthy, the JDK serves everything. Loading ACCP (unpacking
 * and linking its 10 MB library, then its self-tests) takes 0.5-1.3 s on a 2-core machine, so AUTO does
 * it on a background thread: until it is done the JDK serves, then ACCP does. {@link Setting#ACCP} loads
 * it at once, uses it for both algorithms and fails when it cannot; {@link Setting#JDK} never loads it.
 *
 * <p>The choice is process-wide: {@link #configure} is called once at start-up (and by benchmarks
 * that compare the two); the first use without it reads the system property
 * {@code peerlink.crypto-provider}. Thread-safe.
 */
public final class CryptoProviders {

    /** The {@code peerlink.crypto-provider} setting. */
    public enum Setting {
        /** ACCP where it is faster and healthy, the JDK otherwise (and while ACCP loads). */
        AUTO,
        /** ACCP for RSA-OAEP decryption and AES-GCM; refuses to start when ACCP cannot load. */
        ACCP,
        /** The JDK's providers only. */
        JDK;

        /** {@code auto}, {@code accp} or {@code jdk}, in any case. */
        public static Setting parse(String value) {
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("peerlink.crypto-provider must be auto, accp or jdk, not '"
                        + value + "'", e);
            }
        }
    }

    /**
     * The providers in use.
     *
     * @param rsaOaepDecrypt name and version of the provider of RSA-OAEP decryption, e.g. {@code SunJCE 25}
     * @param aesGcm the same for AES-GCM
     * @param accpUnavailable why ACCP is not in use: it failed to load (the reason), it is still loading,
     *        or the setting is {@code jdk}; null when it is loaded and healthy
     */
    public record Selection(String rsaOaepDecrypt, String aesGcm, String accpUnavailable) {
    }

    static final String AES_GCM = "AES/GCM/NoPadding";

    /**
     * Whether ACCP's AES-GCM beat the JDK's in JMH (seal+open at 64 B to 64 KiB, after warm-up, JDK and
     * ACCP in turn at each size). It did not: the JDK was 1.6-2× faster at 64 and 256 bytes and as fast
     * or faster at 4 KiB; only at 64 KiB did ACCP win in one run of two. So AUTO leaves AES-GCM on the JDK.
     */
    private static final boolean ACCP_FOR_AES_GCM = false;

    private static final Logger log = LoggerFactory.getLogger(CryptoProviders.class);
    /** JDK private keys and their ACCP translations; see {@link #providerKey}. */
    private static final Map<PrivateKey, PrivateKey> TRANSLATED = Collections.synchronizedMap(new WeakHashMap<>());

    /** Completes with null once ACCP is loaded and healthy, or with the reason it is not. */
    private static volatile CompletableFuture<String> accpLoad;
    private static volatile Setting setting;
    /** The selection last logged, so that each choice is logged once. */
    private static Selection logged;

    private CryptoProviders() {
    }

    /**
     * Applies {@code setting}: with AUTO, starts loading ACCP in the background if that has not
     * begun; with ACCP, waits for it and throws {@link IllegalStateException} when it cannot load.
     * Returns the providers in use now, and logs them once they are settled.
     */
    public static synchronized Selection configure(Setting next) {
        switch (next) {
            case ACCP -> accp(); // throws when ACCP cannot load
            case AUTO -> startLoading().thenRun(CryptoProviders::logSelection);
            case JDK -> { }
        }
        setting = next;
        logSelection();
        return selection();
    }

    /** The providers in use now. */
    public static Selection selection() {
        Setting s = current();
        String unavailable = switch (s) {
            case JDK -> "peerlink.crypto-provider=jdk";
            case ACCP -> null;
            case AUTO -> accpLoad.isDone() ? accpLoad.join() : "still loading";
        };
        return new Selection(providerName(RsaOaep.TRANSFORMATION, rsaOaepDecrypt()), providerName(AES_GCM, aesGcm()),
                unavailable);
    }

    /** Whether ACCP loads and passes its self-tests in this process; waits for it to load. */
    public static boolean accpAvailable() {
        return startLoading().join() == null;
    }

    /** The provider RSA-OAEP decryption uses now; null means the JDK's ordinary lookup. */
    static Provider rsaOaepDecrypt() {
        return switch (current()) {
            case JDK -> null;
            case ACCP -> AmazonCorrettoCryptoProvider.INSTANCE;
            case AUTO -> accpReady() ? AmazonCorrettoCryptoProvider.INSTANCE : null;
        };
    }

    /** The provider AES-GCM uses now; null means the JDK's ordinary lookup. */
    static Provider aesGcm() {
        return switch (current()) {
            case JDK -> null;
            case ACCP -> AmazonCorrettoCryptoProvider.INSTANCE;
            case AUTO -> ACCP_FOR_AES_GCM && accpReady() ? AmazonCorrettoCryptoProvider.INSTANCE : null;
        };
    }

    /** ACCP, waiting for it to load; throws when it cannot. For tests that run vectors through both providers. */
    static Provider accp() {
        String error = startLoading().join();
        if (error != null) {
            throw new IllegalStateException("ACCP is not available: " + error);
        }
        return AmazonCorrettoCryptoProvider.INSTANCE;
    }

    /**
     * {@code key} as {@code provider}'s own key object, translated once per key and kept while the key
     * is (a weak map; one entry per identity in practice). ACCP converts a JDK key to its native form
     * on every {@code Cipher.init}: about 0.4 ms for RSA-3072, as much as half its decryption. When the
     * translation fails, the key is returned as it is and the provider converts it (or refuses it) itself.
     */
    static PrivateKey providerKey(PrivateKey key, Provider provider) {
        if (provider == null) {
            return key;
        }
        PrivateKey translated = TRANSLATED.get(key);
        if (translated == null) {
            try {
                translated = (PrivateKey) KeyFactory.getInstance(key.getAlgorithm(), provider).translateKey(key);
            } catch (GeneralSecurityException | RuntimeException e) {
                return key;
            }
            TRANSLATED.put(key, translated);
        }
        return translated;
    }

    /** {@code Cipher.getInstance(transformation)} from {@code provider}, or from the JDK when it is null. */
    static Cipher cipher(String transformation, Provider provider) throws GeneralSecurityException {
        return provider == null ? Cipher.getInstance(transformation) : Cipher.getInstance(transformation, provider);
    }

    private static Setting current() {
        Setting s = setting;
        if (s == null) {
            configure(Setting.parse(System.getProperty("peerlink.crypto-provider", "auto")));
            s = setting;
        }
        return s;
    }

    private static boolean accpReady() {
        CompletableFuture<String> load = accpLoad;
        return load != null && load.isDone() && load.join() == null;
    }

    private static synchronized CompletableFuture<String> startLoading() {
        if (accpLoad == null) {
            CompletableFuture<String> load = new CompletableFuture<>();
            accpLoad = load;
            Thread.ofPlatform().name("accp-loader").daemon().start(() -> load.complete(loadAccp()));
        }
        return accpLoad;
    }

    /** Logs the providers once they are settled (not while ACCP is still loading under AUTO), each choice once. */
    private static synchronized void logSelection() {
        Setting s = setting;
        if (s == null || (s == Setting.AUTO && !accpLoad.isDone())) {
            return;
        }
        Selection selection = selection();
        if (selection.equals(logged)) {
            return;
        }
        logged = selection;
        String name = "peerlink.crypto-provider=" + s.name().toLowerCase(Locale.ROOT);
        if (s == Setting.AUTO && selection.accpUnavailable() != null) {
            log.info("Crypto providers ({}): RSA-OAEP decryption {}, AES-GCM {}; ACCP not in use: {}", name,
                    selection.rsaOaepDecrypt(), selection.aesGcm(), selection.accpUnavailable());
        } else {
            log.info("Crypto providers ({}): RSA-OAEP decryption {}, AES-GCM {}", name, selection.rsaOaepDecrypt(),
                    selection.aesGcm());
        }
    }

    private static String providerName(String transformation, Provider provider) {
        try {
            Provider p = cipher(transformation, provider).getProvider();
            return p.getName() + " " + p.getVersionStr();
        } catch (GeneralSecurityException e) {
            return "none (" + e.getMessage() + ")";
        }
    }

    /** Null when ACCP loaded its native library and passed every self-test; otherwise why not. */
    private static String loadAccp() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                return "native library did not load on " + System.getProperty("os.name") + "/"
                        + System.getProperty("os.arch") + ": " + accp.getLoadingError();
            }
            accp.assertHealthy(); // runs the self-tests
            return null;
        } catch (NoClassDefFoundError e) {
            return "AmazonCorrettoCryptoProvider is not on the class path";
        } catch (RuntimeException | LinkageError e) {
            return "self-test failed: " + e;
        }
    }
}
