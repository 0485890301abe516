package io.peerlink.bench.rest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The scratch directories of the bench parts that start peer processes: their logs and their removal. */
final class WorkDirs {

    private WorkDirs() {
    }

    /**
     * Copies each {@code <name>.log} of {@code work} that exists to {@code keepIn} as
     * {@code <prefix>-<name>.log}; nothing when {@code keepIn} is blank.
     */
    static void keepLogs(Path work, String keepIn, String prefix, List<String> names) throws IOException {
        if (keepIn.isBlank()) {
            return;
        }
        Path d = Files.createDirectories(Path.of(keepIn));
        for (String name : names) {
            Path log = work.resolve(name + ".log");
            if (Files.exists(log)) {
                Files.copy(log, d.resolve(prefix + "-" + name + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Deletes {@code dir} and everything below it; nothing when it does not exist. */
    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
