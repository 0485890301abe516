package io.peerlink.datadir;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files in a temporary directory. */
class PrivateFilesTest {

    @TempDir
    Path dir;

    @Test
    void createsTheDirectoryForItsOwnerOnlyAndItsMissingParents() throws Exception {
        Path data = dir.resolve("a/b/data");
        PrivateFiles.directory(data);
        assertThat(mode(data)).isEqualTo("rwx------");
    }

    @Test
    void createsAFileForItsOwnerOnly() throws Exception {
        Path file = dir.resolve("f");
        PrivateFiles.file(file);
        assertThat(mode(file)).isEqualTo("rw-------");
    }

    @Test
    void takesAwayWhatTheGroupAndOthersMayDoAndKeepsTheOwnersBits() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path readOnly = Files.createFile(data.resolve("key"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--r--r--"));

        PrivateFiles.directory(data);
        PrivateFiles.existing(readOnly);

        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(readOnly)).isEqualTo("r--------");
    }

    @Test
    void leavesAPrivateFileAndAMissingOneAsTheyAre() throws Exception {
        Path file = Files.createFile(dir.resolve("f"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        PrivateFiles.existing(file);
        PrivateFiles.existing(dir.resolve("missing"));
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(dir.resolve("missing")).doesNotExist();
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
