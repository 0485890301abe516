package io.peerlink.crypto;

import java.security.Provider;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;

/**
 * The providers {@link CryptoProviders} can choose for RSA-OAEP and AES-GCM, so that known-answer
 * tests run the same vectors through each. ACCP must load on the platforms it ships for (Linux
 * x86_64 and aarch64): there its absence fails the tests rather than skipping them.
 */
enum TestProviders {
    JDK, ACCP;

    /** The provider to pass to the package-private constructors and methods; null is the JDK's lookup. */
    Provider provider() {
        return this == JDK ? null : CryptoProviders.accp();
    }

    /** One container per provider, each holding {@code tests} run with that provider. */
    static Stream<DynamicNode> each(Function<Provider, Stream<DynamicNode>> tests) {
        return Stream.of(values()).map(p -> {
            Provider provider = p.provider();
            String name = provider == null ? "JDK" : provider.getName() + " " + provider.getVersionStr();
            return DynamicContainer.dynamicContainer("provider " + name, tests.apply(provider));
        });
    }
}
