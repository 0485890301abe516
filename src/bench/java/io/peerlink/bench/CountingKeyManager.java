package io.peerlink.bench;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Delegates to a key manager and counts how often the private key is fetched: JSSE fetches it once
 * per full handshake (to sign CertificateVerify) and not at all when a session is resumed.
 */
final class CountingKeyManager extends X509ExtendedKeyManager {

    private final X509ExtendedKeyManager delegate;
    private final AtomicLong privateKeyUses = new AtomicLong();

    CountingKeyManager(X509ExtendedKeyManager delegate) {
        this.delegate = delegate;
    }

    long privateKeyUses() {
        return privateKeyUses.get();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        privateKeyUses.incrementAndGet();
        return delegate.getPrivateKey(alias);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineServerAlias(keyType, issuers, engine);
    }
}
