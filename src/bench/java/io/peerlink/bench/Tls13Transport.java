package io.peerlink.bench;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * Baseline: JDK TLS 1.3 (the default provider, SunJSSE) with TLS_AES_256_GCM_SHA384 only, carrying
 * the same plain frames as {@link PlainTransport} inside TLS records. The TLS layer is put over the
 * load tool's plain sockets with {@code SSLSocketFactory.createSocket(Socket, …)}. Certificates are
 * self-signed RSA ({@link TlsMaterial}); no hostname verification. Key exchange groups and signature
 * schemes are the JDK's defaults.
 *
 * <p>Session resumption cannot happen in the handshake runs: {@link #prepareHandshakes} gives every
 * timed connection a client SSLContext of its own, hence an empty session cache, and the server's
 * private-key uses are counted ({@link #fullServerHandshakes}) to prove that each handshake was full.
 */
final class Tls13Transport implements Transport {

    static final String PROTOCOL = "TLSv1.3";
    static final String CIPHER_SUITE = "TLS_AES_256_GCM_SHA384";

    private final TlsMaterial material;
    private final boolean mutual;
    private final CountingKeyManager serverKeys;
    private final SSLContext serverContext;
    private final SSLContext sharedClientContext;
    private final Queue<SSLContext> freshClientContexts = new ConcurrentLinkedQueue<>();
    private volatile String negotiated = "";

    Tls13Transport(TlsMaterial material, boolean mutual) throws GeneralSecurityException {
        this.material = material;
        this.mutual = mutual;
        this.serverKeys = new CountingKeyManager(material.serverKeys());
        this.serverContext = context(serverKeys);
        this.sharedClientContext = clientContext();
    }

    @Override
    public String name() {
        return mutual ? "tls13-mutual" : "tls13";
    }

    @Override
    public String description() {
        // x25519 and rsa_pss_rsae_sha256 are what JDK 25's defaults negotiate here (seen with
        // -Djavax.net.debug=ssl:handshake); the JSSE API does not report the group.
        return (negotiated.isEmpty() ? PROTOCOL + " " + CIPHER_SUITE : negotiated) + ", JDK "
                + serverContext.getProvider().getName() + " defaults (x25519, rsa_pss_rsae_sha256, a "
                + "session ticket after the handshake), RSA-" + material.rsaBits() + " certificate"
                + (mutual ? "s on both sides (client auth)" : " (server only)");
    }

    @Override
    public void prepareHandshakes(int handshakes) {
        try {
            for (int i = 0; i < handshakes; i++) {
                freshClientContexts.add(clientContext());
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public long fullServerHandshakes() {
        return serverKeys.privateKeyUses();
    }

    @Override
    public MessageChannel client(Socket socket) throws IOException {
        SSLContext context = Objects.requireNonNullElse(freshClientContexts.poll(), sharedClientContext);
        SSLSocket tls = (SSLSocket) context.getSocketFactory()
                .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        tls.setUseClientMode(true);
        configure(tls);
        tls.startHandshake();
        check(tls.getSession());
        return new FramedChannel(tls, PlainTransport.FRAMING, PlainTransport.FRAMING, false);
    }

    @Override
    public MessageChannel server(Socket socket) throws IOException {
        SSLSocket tls = (SSLSocket) serverContext.getSocketFactory().createSocket(socket, null, true);
        tls.setUseClientMode(false);
        configure(tls);
        tls.startHandshake();
        check(tls.getSession());
        return new FramedChannel(tls, PlainTransport.FRAMING, PlainTransport.FRAMING, false);
    }

    private void configure(SSLSocket tls) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        parameters.setCipherSuites(new String[] {CIPHER_SUITE});
        if (!tls.getUseClientMode()) {
            parameters.setNeedClientAuth(mutual);
        }
        tls.setSSLParameters(parameters);
    }

    private void check(SSLSession session) throws IOException {
        if (!PROTOCOL.equals(session.getProtocol()) || !CIPHER_SUITE.equals(session.getCipherSuite())) {
            throw new IOException("negotiated " + session.getProtocol() + " " + session.getCipherSuite());
        }
        negotiated = session.getProtocol() + " " + session.getCipherSuite();
    }

    private SSLContext clientContext() throws GeneralSecurityException {
        return context(mutual ? material.clientKeys() : null);
    }

    private SSLContext context(javax.net.ssl.X509ExtendedKeyManager keys) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance(PROTOCOL);
        context.init(keys == null ? null : new KeyManager[] {keys}, material.trust(), null);
        return context;
    }
}
