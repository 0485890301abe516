package io.peerlink.bench;

import io.peerlink.identity.IdentityStore;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
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
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
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
 * identity, so clients cannot share one). They are throw-away benchmark keys that never leave the
 * machine; {@code ./mvnw clean} removes them and the next run generates them again.
 *
 * <p>Generating a thousand RSA-2048 keys the usual way took 54 s of a fresh clone's bench run on this
 * 2-core machine (two prime searches per key). {@link #fromSharedPrimes} instead finds about
 * √(2·count) primes of half the size, on all cores, and makes one key of every pair of them: 46
 * primes give 1,035 distinct moduli in about a second. Keys that share a prime are worthless as
 * secrets (anyone holding two of them factors both), which does not matter for keys whose only job
 * is to be distinct identities in a benchmark; the peer's work per handshake (encrypting to the
 * client's key, checking its size and exponent) is the same as for any RSA-2048 key with e = 65537.
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
        try {
            encoded.addAll(fromSharedPrimes(bits, missing));
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

    /**
     * {@code count} distinct private keys (PKCS#8 DER) of exactly {@code bits} bits with e = 65537, one
     * per pair of a small set of primes found in parallel (see the class comment: benchmark use only).
     */
    static List<byte[]> fromSharedPrimes(int bits, int count)
            throws InterruptedException, java.util.concurrent.ExecutionException, GeneralSecurityException {
        int primes = 2;
        while (primes * (primes - 1) / 2 < count) {
            primes++;
        }
        BigInteger e = RSAKeyGenParameterSpec.F4;
        List<Future<BigInteger>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors())) {
            for (int i = 0; i < primes; i++) {
                futures.add(pool.submit(() -> {
                    SecureRandom random = new SecureRandom();
                    while (true) {
                        BigInteger p = BigInteger.probablePrime(bits / 2, random);
                        // top two bits set: the product of two such primes has exactly `bits` bits;
                        // p - 1 prime to e: e has an inverse
                        if (p.testBit(bits / 2 - 2) && p.subtract(BigInteger.ONE).gcd(e).equals(BigInteger.ONE)) {
                            return p;
                        }
                    }
                }));
            }
        }
        List<BigInteger> found = new ArrayList<>();
        for (Future<BigInteger> f : futures) {
            BigInteger p = f.get();
            if (!found.contains(p)) {
                found.add(p);
            }
        }
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        List<byte[]> keys = new ArrayList<>(count);
        for (int i = 0; i < found.size() && keys.size() < count; i++) {
            for (int j = i + 1; j < found.size() && keys.size() < count; j++) {
                BigInteger p = found.get(i).max(found.get(j));
                BigInteger q = found.get(i).min(found.get(j));
                BigInteger n = p.multiply(q);
                BigInteger p1 = p.subtract(BigInteger.ONE);
                BigInteger q1 = q.subtract(BigInteger.ONE);
                BigInteger lambda = p1.divide(p1.gcd(q1)).multiply(q1);
                BigInteger d = e.modInverse(lambda);
                keys.add(rsa.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q, d.mod(p1), d.mod(q1),
                        q.modInverse(p))).getEncoded());
            }
        }
        if (keys.size() < count) {
            throw new GeneralSecurityException("only " + found.size() + " distinct primes for " + count + " keys");
        }
        return keys;
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
