package io.peerlink.datadir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory and its secrets (the identity key, the database with its {@code -wal} and
 * {@code -shm} files, which hold every message in plaintext) are for the user running peerlink only.
 *
 * <p>New ones are created that way: the directory {@code rwx------} (0700), files {@code rw-------}
 * (0600). An existing one is checked at every start: any permission for the group or for others is
 * removed (the owner's bits stay as they are), with one WARN naming the path and both modes, since
 * whoever could read it until now may have a copy. When the mode cannot be changed (peerlink does not
 * own the file), peerlink refuses to start with an {@link IOException} that says what to run. On a
 * file system without POSIX permissions nothing is checked.
 *
 * <p>Plain Java (no Spring): the identity and the store use it alike. Stateless, thread-safe.
 */
public final class PrivateFiles {

    /** {@code rwx------} */
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** {@code rw-------} */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final Logger log = LoggerFactory.getLogger(PrivateFiles.class);

    private PrivateFiles() {
    }

    /**
     * Creates {@code dir} 0700 (its missing parents with the default mode), or makes an existing one
     * private as the class describes.
     */
    public static void directory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            restrict(dir, "directory", "700");
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (posix(parent)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            // created meanwhile by someone else: check it as any existing one
            restrict(dir, "directory", "700");
        }
    }

    /** Creates an empty 0600 file unless {@code file} exists; an existing one is checked ({@link #existing}). */
    public static void file(Path file) throws IOException {
        if (Files.exists(file)) {
            existing(file);
            return;
        }
        Files.createFile(file, attributes(file.toAbsolutePath().getParent()));
    }

    /** Makes {@code file}, when it exists, private as the class describes. */
    public static void existing(Path file) throws IOException {
        if (Files.exists(file)) {
            restrict(file, "file", "600");
        }
    }

    /** The attribute that creates a file 0600 in {@code dir}, or none without POSIX permissions. */
    public static FileAttribute<?>[] attributes(Path dir) throws IOException {
        return posix(dir) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    private static void restrict(Path path, String what, String chmod) throws IOException {
        if (!posix(path)) {
            return;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
        if (mode.stream().noneMatch(GROUP_OR_OTHERS::contains)) {
            return;
        }
        Set<PosixFilePermission> fixed = EnumSet.copyOf(mode);
        fixed.removeAll(GROUP_OR_OTHERS);
        try {
            Files.setPosixFilePermissions(path, fixed);
        } catch (IOException | SecurityException e) {
            throw new IOException("The " + what + " " + path.toAbsolutePath() + " is "
                    + PosixFilePermissions.toString(mode) + ": other users may read it, and peerlink cannot change "
                    + "that (" + e + "). Run 'chmod " + chmod + " " + path.toAbsolutePath()
                    + "' as its owner, or start peerlink as the user who owns it.", e);
        }
        log.warn("The {} {} was {}, open to other users; it is now {}. Whoever could read it may have a copy.", what,
                path.toAbsolutePath(), PosixFilePermissions.toString(mode), PosixFilePermissions.toString(fixed));
    }

    private static boolean posix(Path path) throws IOException {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
    }
}
