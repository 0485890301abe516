package io.peerlink.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The jar of an earlier commit, for the one-time comparisons ({@code -Dbench.baseline=<commit>}): the
 * REST figures, the backlog and the flood run against it in the same run as against this build's
 * jar. Built once from {@code git archive <commit>} into {@code target/baseline-<commit>/} with
 * {@code ./mvnw -B -q -DskipTests package} and reused while that directory exists ({@code ./mvnw
 * clean} removes it). A value ending in {@code .jar} is taken as the jar itself.
 */
final class Baseline {

    private static final long BUILD_MINUTES = 15;

    private Baseline() {
    }

    /** The baseline's jar; {@code project} is this checkout (with its .git), {@code target} its target dir. */
    static Path jar(Path project, Path target, String spec) throws IOException, InterruptedException {
        if (spec.endsWith(".jar")) {
            Path jar = Path.of(spec).toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                throw new IOException("no baseline jar at " + jar);
            }
            return jar;
        }
        if (!spec.matches("[0-9A-Za-z._/-]+")) {
            throw new IllegalArgumentException("bench.baseline: not a commit or a jar: " + spec);
        }
        Path dir = target.resolve("baseline-" + spec.replace('/', '_'));
        Path built = dir.resolve("target");
        if (Files.isDirectory(built)) {
            try {
                return io.peerlink.bench.rest.RestBench.findJar(built);
            } catch (IOException notBuilt) {
                // an earlier build stopped half-way: build again below
            }
        }
        long start = System.nanoTime();
        ScaleRun.fresh(dir);
        Path log = target.resolve("baseline-" + spec.replace('/', '_') + ".log");
        run(List.of("sh", "-c", "git -C \"$0\" archive --format=tar \"$1\" | tar -x -C \"$2\"", project.toString(),
                spec, dir.toString()), project, log);
        run(List.of("sh", "./mvnw", "-B", "-q", "-DskipTests", "package"), dir, log);
        Path jar = io.peerlink.bench.rest.RestBench.findJar(built);
        BenchMain.progress("baseline %s built in %.0f s: %s", spec, (System.nanoTime() - start) / 1e9, jar);
        return jar;
    }

    private static void run(List<String> command, Path dir, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(BUILD_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " took longer than " + BUILD_MINUTES + " min; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + "; see " + log);
        }
    }
}
