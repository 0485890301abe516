package io.peerlink.identity;

import io.peerlink.datadir.PrivateFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the identity key pair from a data directory, or creates it on first start: the private key
 * as PKCS#8 PEM in {@code identity.key} (mode 0600), the public key as SubjectPublicKeyInfo PEM in
 * {@code identity.pub}. The data directory is created 0700; at every start it and the private key
 * lose any permission for the group or others, or the start is refused ({@link PrivateFiles}).
 */
public final class IdentityStore {

    public static final String PRIVATE_KEY_FILE = "identity.key";
    public static final String PUBLIC_KEY_FILE = "identity.pub";
    public static final int MIN_BITS = 2048;
    public static final int DEFAULT_BITS = 3072;

    private static final Logger log = LoggerFactory.getLogger(IdentityStore.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path dataDir;
    private final int bits;

    public IdentityStore(Path dataDir, int bits) {
        if (bits < MIN_BITS) {
            throw new IllegalArgumentException("RSA identity keys need at least " + MIN_BITS + " bits, got " + bits);
        }
        this.dataDir = dataDir;
        this.bits = bits;
    }

    /** Loads the stored identity, or creates and stores a new one when there is none. */
    public Identity loadOrCreate() throws IOException {
        PrivateFiles.directory(dataDir);
        Path privateFile = dataDir.resolve(PRIVATE_KEY_FILE);
        if (Files.exists(privateFile)) {
            // before reading it: a key the whole machine could read is made private first
            PrivateFiles.existing(privateFile);
            return load(privateFile);
        }
        return create(privateFile);
    }

    private Identity load(Path privateFile) throws IOException {
        KeyPair pair;
        try {
            byte[] der = decodePem(Files.readString(privateFile, StandardCharsets.US_ASCII), "PRIVATE KEY");
            var key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            var pub = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
            pair = new KeyPair(pub, key);
        } catch (GeneralSecurityException | ClassCastException | IllegalArgumentException e) {
            throw new IOException(privateFile + " does not hold an RSA private key in PKCS#8 PEM", e);
        }
        int found = ((RSAPublicKey) pair.getPublic()).getModulus().bitLength();
        if (found < MIN_BITS) {
            throw new IOException(privateFile + " holds a " + found + "-bit RSA key; at least " + MIN_BITS
                    + " bits are required");
        }
        BigInteger exponent = ((RSAPublicKey) pair.getPublic()).getPublicExponent();
        if (!exponent.equals(RSAKeyGenParameterSpec.F4)) {
            // every peer would refuse it in the handshake (docs/PROTOCOL.md section 3): say so now
            throw new IOException(privateFile + " holds an RSA key with the public exponent "
                    + (exponent.bitLength() <= 64 ? exponent.toString() : "of " + exponent.bitLength() + " bits")
                    + "; peers accept only 65537. Move " + PRIVATE_KEY_FILE + " and " + PUBLIC_KEY_FILE
                    + " out of " + dataDir + " to create a new identity");
        }
        Path publicFile = dataDir.resolve(PUBLIC_KEY_FILE);
        if (Files.exists(publicFile)) {
            byte[] stored = decodePem(Files.readString(publicFile, StandardCharsets.US_ASCII), "PUBLIC KEY");
            if (!java.util.Arrays.equals(stored, pair.getPublic().getEncoded())) {
                throw new IOException(publicFile + " does not match " + privateFile);
            }
        } else {
            writeAtomically(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()), false);
        }
        Identity identity = new Identity(pair);
        log.info("Loaded identity {} ({}-bit RSA) from {}", identity.peerId(), found, dataDir);
        return identity;
    }

    private Identity create(Path privateFile) throws IOException {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), new SecureRandom());
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation failed", e);
        }
        writeAtomically(privateFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), true);
        writeAtomically(dataDir.resolve(PUBLIC_KEY_FILE), pem("PUBLIC KEY", pair.getPublic().getEncoded()), false);
        Identity identity = new Identity(pair);
        log.info("Created identity {} ({}-bit RSA) in {}", identity.peerId(), bits, dataDir);
        return identity;
    }

    /** Writes to a temporary file (0600 from the start for secrets) and moves it into place. */
    private void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        boolean posix = Files.getFileStore(dataDir).supportsFileAttributeView("posix");
        if (posix) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(
                    secret ? OWNER_ONLY : PosixFilePermissions.fromString("rw-r--r--")));
        } else {
            Files.createFile(temp);
        }
        Files.writeString(temp, content, StandardCharsets.US_ASCII);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    static String pem(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }

    static byte[] decodePem(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no " + type + " PEM block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    }

    /** For tests and tools: parses a PEM public key. */
    public static RSAPublicKey parsePublicPem(String pem) throws GeneralSecurityException {
        return (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(decodePem(pem, "PUBLIC KEY")));
    }
}
