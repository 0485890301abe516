package io.peerlink.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Locale;
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
 * than the JDK in this project's JMH benchmarks (RSA-3072 OAEP decryption, about 1.7×), provided its native library loaded and its self-tests passed; on any other
 * platform, or when it is unhealthy, the JDK serves everything. {@link Setting#ACCP} uses it for both
 * algorithms and fails when it cannot; {@link Setting#JDK} never uses it. The choice is process-wide:
 * {@link #configure} is called once at start-up (and by benchmarks that compare the two); the first
 * use without it reads the system property {@code peerlink.crypto-provider}.
 *
 * <p>Thread-safe.
 */
public final class CryptoProviders {

    /** The {@code peerlink.crypto-provider} setting. */
    public enum Setting {
        /** ACCP where it is faster and healthy, the JDK otherwise. */
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
     * @param accpUnavailable why ACCP cannot be used in this process, or null when it loaded and is healthy
     */
    public record Selection(String rsaOaepDecrypt, String aesGcm, String accpUnavailable) {
    }

    static final String AES_GCM = "AES/GCM/NoPadding";

    /**
     * Whether ACCP's AES-GCM beat the JDK's in JMH (seal+open at 64 B to 64 KiB, after warm-up). The
     * JDK's intrinsics are as fast at 4 KiB and above and its per-call overhead is lower for the small
     * records that dominate messaging, so AUTO leaves AES-GCM on the JDK.
     */
    private static final boolean ACCP_FOR_AES_GCM = false;

    private static final Logger log = LoggerFactory.getLogger(CryptoProviders.class);
    private static final Provider ACCP = loadAccp();
    private static final String ACCP_ERROR = accpError();

    private record Chosen(Setting setting, Provider rsaOaepDecrypt, Provider aesGcm) {
    }

    private static volatile Chosen chosen;

    private CryptoProviders() {
    }

    /** Chooses the providers for {@code setting}, logs the choice, and returns it. */
    public static synchronized Selection configure(Setting setting) {
        Chosen next = choose(setting);
        Chosen previous = chosen;
        chosen = next;
        Selection selection = describe(next);
        if (previous == null || previous.rsaOaepDecrypt() != next.rsaOaepDecrypt() || previous.aesGcm() != next.aesGcm()) {
            if (selection.accpUnavailable() != null && setting == Setting.AUTO) {
                log.info("Crypto providers ({}): RSA-OAEP decryption {}, AES-GCM {}; ACCP not in use: {}",
                        name(setting), selection.rsaOaepDecrypt(), selection.aesGcm(), selection.accpUnavailable());
            } else {
                log.info("Crypto providers ({}): RSA-OAEP decryption {}, AES-GCM {}", name(setting),
                        selection.rsaOaepDecrypt(), selection.aesGcm());
            }
        }
        return selection;
    }

    /** The providers in use now. */
    public static Selection selection() {
        return describe(current());
    }

    /** Whether ACCP loaded and passed its self-tests in this process. */
    public static boolean accpAvailable() {
        return ACCP_ERROR == null;
    }

    /** The provider RSA-OAEP decryption uses now; null means the JDK's ordinary lookup. */
    static Provider rsaOaepDecrypt() {
        return current().rsaOaepDecrypt();
    }

    /** The provider AES-GCM uses now; null means the JDK's ordinary lookup. */
    static Provider aesGcm() {
        return current().aesGcm();
    }

    /** ACCP when it is available; for tests that run the same vectors through both providers. */
    static Provider accp() {
        if (ACCP_ERROR != null) {
            throw new IllegalStateException("ACCP is not available: " + ACCP_ERROR);
        }
        return ACCP;
    }

    /** {@code Cipher.getInstance(transformation)} from {@code provider}, or from the JDK when it is null. */
    static Cipher cipher(String transformation, Provider provider) throws GeneralSecurityException {
        return provider == null ? Cipher.getInstance(transformation) : Cipher.getInstance(transformation, provider);
    }

    private static Chosen current() {
        Chosen c = chosen;
        if (c == null) {
            configure(Setting.parse(System.getProperty("peerlink.crypto-provider", "auto")));
            c = chosen;
        }
        return c;
    }

    private static Chosen choose(Setting setting) {
        return switch (setting) {
            case JDK -> new Chosen(setting, null, null);
            case ACCP -> {
                Provider accp = accp();
                yield new Chosen(setting, accp, accp);
            }
            case AUTO -> ACCP_ERROR == null
                    ? new Chosen(setting, ACCP, ACCP_FOR_AES_GCM ? ACCP : null)
                    : new Chosen(setting, null, null);
        };
    }

    private static Selection describe(Chosen c) {
        return new Selection(providerName(RsaOaep.TRANSFORMATION, c.rsaOaepDecrypt()), providerName(AES_GCM, c.aesGcm()), ACCP_ERROR);
    }

    private static String providerName(String transformation, Provider provider) {
        try {
            Provider p = cipher(transformation, provider).getProvider();
            return p.getName() + " " + p.getVersionStr();
        } catch (GeneralSecurityException e) {
            return "none (" + e.getMessage() + ")";
        }
    }

    private static String name(Setting setting) {
        return "peerlink.crypto-provider=" + setting.name().toLowerCase(Locale.ROOT);
    }

    private static Provider loadAccp() {
        try {
            return AmazonCorrettoCryptoProvider.INSTANCE;
        } catch (LinkageError e) {
            return null; // the jar is missing, or its class failed to initialise
        }
    }

    /** Null when ACCP loaded its native library and passed every self-test; otherwise why not. */
    private static String accpError() {
        if (ACCP == null) {
            return "AmazonCorrettoCryptoProvider is not on the class path";
        }
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                return "native library did not load on " + System.getProperty("os.name") + "/"
                        + System.getProperty("os.arch") + ": " + accp.getLoadingError();
            }
            accp.assertHealthy(); // runs the self-tests
            return null;
        } catch (RuntimeException | LinkageError e) {
            return "self-test failed: " + e;
        }
    }
}
