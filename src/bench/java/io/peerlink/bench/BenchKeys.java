package io.peerlink.bench;

import io.peerlink.identity.IdentityStore;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * RSA key pairs for the benchmark's many identities, generated once and kept in a file under
 * {@code target/} ({@code rsa-<bits>.keys}: length-prefixed PKCS#8 DER, mode 0600), because the
 * scale bench needs a thousand distinct identities (the peer keys its directory and its store by
 * identity, so clients cannot share one) and RSA key generation takes 0.1 s (2048 bits) to 0.4 s
 * (3072 bits) each. They are throw-away benchmark keys that never leave the machine; {@code
 * ./mvnw clean} removes them and the next run generates them again (on all cores).
 */
final class BenchKeys {

    private BenchKeys() {
    }

    /** Result of {@link #ensure}: the file, and how many keys this call had to generate. */
    record Cache(Path file, int count, int generated, double generateSeconds) {
    }

    /** Makes sure {@code file} holds at least {@code count} keys of {@code bits}, generating the missing ones. */
    static Cache ensure(Path directory, int bits, int count) throws IOException, GeneralSecurityException {
        Files.createDirectories(directory);
        Path file = directory.resolve("rsa-" + bits + ".keys");
        List<byte[]> encoded = Files.exists(file) ? readEncoded(file, Integer.MAX_VALUE) : new ArrayList<>();
        int missing = count - encoded.size();
        if (missing <= 0) {
            return new Cache(file, encoded.size(), 0, 0);
        }
        long start = System.nanoTime();
        int threads = Runtime.getRuntime().availableProcessors();
        List<Future<byte[]>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < missing; i++) {
                futures.add(pool.submit(() -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(bits);
                    return g.generateKeyPair().getPrivate().getEncoded();
                }));
            }
            for (Future<byte[]> f : futures) {
                encoded.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while generating keys", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new GeneralSecurityException("key generation failed", e.getCause());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (byte[] der : encoded) {
                out.writeInt(der.length);
                out.write(der);
            }
        }
        Path temp = directory.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(temp, bytes.toByteArray());
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Cache(file, encoded.size(), missing, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Puts an identity of {@code bits} into {@code dataDir} as the product keeps it ({@link
     * IdentityStore}'s files), the same one on every run: created once by {@link IdentityStore} in
     * {@code cache/name}, copied from there (with its 0600 mode) into the fresh data directory.
     */
    static void identity(Path cache, String name, int bits, Path dataDir) throws IOException {
        Path source = cache.resolve(name);
        new IdentityStore(source, bits).loadOrCreate();
        Files.createDirectories(dataDir);
        for (String file : List.of(IdentityStore.PRIVATE_KEY_FILE, IdentityStore.PUBLIC_KEY_FILE)) {
            Files.copy(source.resolve(file), dataDir.resolve(file), StandardCopyOption.COPY_ATTRIBUTES,
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The first {@code count} key pairs of the file. */
    static List<KeyPair> read(Path file, int count) throws IOException, GeneralSecurityException {
        List<byte[]> encoded = readEncoded(file, count);
        if (encoded.size() < count) {
            throw new IOException(file + " holds " + encoded.size() + " keys, " + count + " needed");
        }
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        List<KeyPair> pairs = new ArrayList<>(count);
        for (byte[] der : encoded) {
            var key = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
            pairs.add(new KeyPair(rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())),
                    key));
        }
        return pairs;
    }

    private static List<byte[]> readEncoded(Path file, int max) throws IOException {
        List<byte[]> encoded = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            while (encoded.size() < max) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException end) {
                    break;
                }
                if (length <= 0 || length > 16_384) {
                    throw new IOException(file + " is corrupt (entry of " + length + " bytes)");
                }
                encoded.add(in.readNBytes(length));
            }
        }
        return encoded;
    }
}
