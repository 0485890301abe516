package io.peerlink.api;

import io.peerlink.config.PeerlinkProperties;
import io.peerlink.datadir.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token the HTTP API asks for, from {@code peerlink.api-token}:
 * <ul>
 *   <li>empty (the default): no token; the API must then listen on loopback only (else {@link ApiExposedException});
 *   <li>{@value #GENERATE}: the token in {@code <data-dir>/}{@value #FILE_NAME}, created on the first
 *       start (32 random bytes, base64url: 43 characters) with mode 0600 and kept across restarts.
 *       The log says where the file is, never what it holds. Delete the file to get a new token;
 *   <li>anything else: that token, at least {@value #MIN_LENGTH} characters (checked with the other
 *       properties, see {@link PeerlinkProperties}).
 * </ul>
 * Called once at start-up, on the main thread.
 */
final class ApiToken {

    /** The value of {@code peerlink.api-token} that asks the peer to make its own token. */
    static final String GENERATE = PeerlinkProperties.GENERATE_API_TOKEN;
    static final int MIN_LENGTH = PeerlinkProperties.MIN_API_TOKEN_LENGTH;
    static final String FILE_NAME = "api-token";
    private static final int GENERATED_BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private static final Logger log = LoggerFactory.getLogger(ApiToken.class);

    private ApiToken() {
    }

    /** The token requests must carry, or null when the API takes none. */
    static String resolve(PeerlinkProperties properties) {
        return resolve(properties.apiToken(), properties.dataDir());
    }

    /** The token requests must carry for {@code peerlink.api-token=configured}, or null for none. */
    static String resolve(String configured, Path dataDir) {
        if (configured == null || configured.isEmpty()) {
            return null;
        }
        if (!configured.equals(GENERATE)) {
            return configured;
        }
        try {
            return readOrCreate(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the API token file in " + dataDir.toAbsolutePath()
                    + " (peerlink.api-token=generate): " + e.getMessage(), e);
        }
    }

    static Path file(Path dataDir) {
        return dataDir.toAbsolutePath().normalize().resolve(FILE_NAME);
    }

    private static String readOrCreate(Path dataDir) throws IOException {
        Path file = file(dataDir);
        if (Files.exists(file)) {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.length() < MIN_LENGTH || token.equals(GENERATE)) {
                throw new IOException(file + " holds no token of at least " + MIN_LENGTH
                        + " characters; delete it and the peer writes a new one");
            }
            keepOwnerOnly(file);
            log.info("API token read from {}: requests need Authorization: Bearer <the contents of that file>", file);
            return token;
        }
        byte[] random = new byte[GENERATED_BYTES];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        write(file, token + "\n");
        log.info("API token generated and stored in {} (mode 0600): requests need Authorization: Bearer "
                + "<the contents of that file>", file);
        return token;
    }

    /** Writes a temporary file, 0600 from the start, and moves it into place (never a partial token file). */
    private static void write(Path file, String content) throws IOException {
        Path dir = file.getParent();
        PrivateFiles.directory(dir);
        Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PrivateFiles.attributes(dir));
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** A token file that others may read is made 0600, and the log says so: the token may have leaked. */
    private static void keepOwnerOnly(Path file) throws IOException {
        if (!Files.getFileStore(file).supportsFileAttributeView("posix")) {
            return;
        }
        Set<PosixFilePermission> found = Files.getPosixFilePermissions(file);
        if (!found.equals(OWNER_ONLY)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            log.warn("{} was {}, now rw------- (0600); if others could read it, delete it and restart for a new token",
                    file, PosixFilePermissions.toString(found));
        }
    }
}
