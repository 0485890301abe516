package io.peerlink.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Self-signed RSA certificates for the TLS baseline, one for the server and one for the client
 * (mutual TLS), made with the JDK's own {@code keytool} into PKCS#12 files under the bench
 * directory at every run; each side trusts exactly these two certificates.
 */
record TlsMaterial(X509ExtendedKeyManager serverKeys, X509ExtendedKeyManager clientKeys,
        TrustManager[] trust, int rsaBits) {

    private static final char[] PASSWORD = "peerlink-bench".toCharArray();

    static TlsMaterial create(Path directory, int rsaBits) throws IOException, GeneralSecurityException,
            InterruptedException {
        Files.createDirectories(directory);
        Path serverFile = directory.resolve("tls-server.p12");
        Path clientFile = directory.resolve("tls-client.p12");
        // Both keytool runs at once: each spends most of its time finding RSA primes.
        Process serverKeytool = keytool(serverFile, "server", rsaBits);
        Process clientKeytool = keytool(clientFile, "client", rsaBits);
        KeyStore server = load(serverKeytool, serverFile);
        KeyStore client = load(clientKeytool, clientFile);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", certificate(server));
        trusted.setCertificateEntry("client", certificate(client));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        return new TlsMaterial(keyManager(server), keyManager(client), tmf.getTrustManagers(), rsaBits);
    }

    private static Process keytool(Path file, String role, int rsaBits) throws IOException {
        Files.deleteIfExists(file);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = List.of(keytool.toString(), "-genkeypair", "-noprompt",
                "-alias", role, "-keyalg", "RSA", "-keysize", Integer.toString(rsaBits), "-sigalg", "SHA256withRSA",
                "-dname", "CN=peerlink-bench-" + role, "-ext", "SAN=IP:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static KeyStore load(Process keytool, Path file) throws IOException, GeneralSecurityException,
            InterruptedException {
        byte[] output = keytool.getInputStream().readAllBytes();
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            keytool.destroyForcibly();
            throw new IOException("keytool failed: " + new String(output));
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private static Certificate certificate(KeyStore store) throws GeneralSecurityException {
        return store.getCertificate(store.aliases().nextElement());
    }

    private static X509ExtendedKeyManager keyManager(KeyStore store) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASSWORD);
        return (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
    }
}
