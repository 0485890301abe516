package io.peerlink.bench.rest;

import io.peerlink.support.PeerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The peer as the Docker image runs it, without Docker (there is no daemon here): the jar split
 * into Spring Boot's layers and copied into one directory as the image's {@code COPY} steps do, the
 * JVM options file {@code src/main/docker/jvm.options} beside it as {@code jvm.options}, a JDK AOT
 * cache trained there as the Dockerfile trains it, and the Dockerfile's own {@code ENTRYPOINT} (read
 * from the Dockerfile, so the two cannot drift apart) run in that directory.
 *
 * <p>Training, as in the Dockerfile: the ENTRYPOINT's JVM arguments with {@code -XX:AOTCache=}
 * turned into {@code -XX:AOTCacheOutput=}, plus {@code -Dspring.context.exit=onRefresh}, a throwaway
 * data and temporary directory, a 2048-bit key and ports 0. So the class path ({@code -jar app.jar}
 * in the same directory) and the JVM options are the same as the run's, or the JVM would ignore the
 * cache.
 *
 * <p>Standalone, to compare JVM options files interleaved (A, B, A, B, ...):
 * {@code java -cp <test classpath> io.peerlink.bench.rest.ImageLaunch <jar> <host> <rounds> <idle s>
 * <options file>...}: per file one image directory and one training run, then per round and file a
 * restart to healthy (the key exists), the RSS after the idle time, and the CPU seconds of the start.
 */
final class ImageLaunch {

    static final String APP_JAR = "app.jar";
    static final String OPTIONS = "jvm.options";
    private static final Pattern ENTRYPOINT = Pattern.compile("^ENTRYPOINT\\s*\\[(.*)]\\s*$", Pattern.MULTILINE);
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final String[] LAYERS = {"dependencies", "spring-boot-loader", "snapshot-dependencies",
        "application"};
    private static final Duration TRAINING_TIMEOUT = Duration.ofSeconds(180);

    /** An image directory ready to run: {@code dir} holds app.jar, lib/, jvm.options and the AOT cache. */
    record Image(Path dir, List<String> jvmArgs, double trainingSeconds, long cacheBytes, String options) {
    }

    private ImageLaunch() {
    }

    /** The JVM arguments of the Dockerfile's exec-form ENTRYPOINT: between {@code java} and {@code -jar app.jar}. */
    static List<String> entrypointJvmArgs(Path dockerfile) throws IOException {
        Matcher m = ENTRYPOINT.matcher(Files.readString(dockerfile));
        if (!m.find()) {
            throw new IOException("no exec-form ENTRYPOINT [...] in " + dockerfile);
        }
        List<String> words = new ArrayList<>();
        Matcher q = QUOTED.matcher(m.group(1));
        while (q.find()) {
            words.add(q.group(1));
        }
        int jar = words.indexOf("-jar");
        if (words.isEmpty() || !words.getFirst().equals("java") || jar < 0 || jar + 1 >= words.size()
                || !words.get(jar + 1).equals(APP_JAR)) {
            throw new IOException("ENTRYPOINT is not [\"java\", ..., \"-jar\", \"app.jar\"]: " + words);
        }
        return List.copyOf(words.subList(1, jar));
    }

    /** The project's Dockerfile and JVM options file, found from the packaged jar in {@code target/}. */
    static Path projectDir(Path jar) {
        return jar.toAbsolutePath().getParent().getParent();
    }

    /**
     * Extracts {@code jar} into {@code dir} as the image holds it, copies {@code options} in as
     * {@code jvm.options}, and trains the AOT cache there.
     */
    static Image prepare(Path java, Path jar, Path dockerfile, Path options, Path dir) throws IOException,
            InterruptedException {
        List<String> jvmArgs = entrypointJvmArgs(dockerfile);
        Path layers = dir.resolve("layers");
        Path app = Files.createDirectories(dir.resolve("app"));
        run(List.of(java.toString(), "-Djarmode=tools", "-jar", jar.toAbsolutePath().toString(), "extract", "--layers",
                "--destination", layers.toString(), "--application-filename", APP_JAR), dir, Map.of(),
                dir.resolve("extract.log"), Duration.ofSeconds(60));
        for (String layer : LAYERS) {
            Path from = layers.resolve(layer);
            if (Files.isDirectory(from)) {
                copyTree(from, app);
            }
        }
        Files.copy(options, app.resolve(OPTIONS), StandardCopyOption.REPLACE_EXISTING);

        List<String> training = new ArrayList<>();
        training.add(java.toString());
        boolean cache = false;
        for (String arg : jvmArgs) {
            if (arg.startsWith("-XX:AOTCache=")) {
                training.add("-XX:AOTCacheOutput=" + arg.substring("-XX:AOTCache=".length()));
                cache = true;
            } else {
                training.add(arg);
            }
        }
        Path scratch = Files.createDirectories(dir.resolve("aot-training/tmp"));
        training.addAll(List.of("-Xlog:aot=error", "-Xlog:cds=error", "-Djava.io.tmpdir=" + scratch,
                "-Dspring.context.exit=onRefresh", "-jar", APP_JAR));
        Map<String, String> env = Map.of("PEERLINK_DATA_DIR", dir.resolve("aot-training/data").toString(),
                "PEERLINK_KEY_SIZE", "2048", "PEERLINK_LISTEN_PORT", "0", "SERVER_PORT", "0");
        double seconds = 0;
        long bytes = 0;
        if (cache) {
            long start = System.nanoTime();
            run(training, app, env, dir.resolve("training.log"), TRAINING_TIMEOUT);
            seconds = (System.nanoTime() - start) / 1e9;
            for (String arg : jvmArgs) {
                if (arg.startsWith("-XX:AOTCache=")) {
                    Path file = app.resolve(arg.substring("-XX:AOTCache=".length()));
                    bytes = Files.isRegularFile(file) ? Files.size(file) : 0;
                    if (bytes == 0) {
                        throw new IOException("the training run wrote no AOT cache " + file + "; see "
                                + dir.resolve("training.log"));
                    }
                }
            }
        }
        WorkDirs.delete(dir.resolve("aot-training"));
        WorkDirs.delete(layers);
        return new Image(app, jvmArgs, seconds, bytes, String.join(" ", optionLines(options)));
    }

    /** The options file's options, without comments, for the notes. */
    static List<String> optionLines(Path options) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(options)) {
            int hash = line.indexOf('#');
            String option = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!option.isEmpty()) {
                out.addAll(List.of(option.split("\\s+")));
            }
        }
        return out;
    }

    /** A peer process of {@code image}: {@code java <ENTRYPOINT's JVM args> -jar app.jar} in the image directory. */
    static PeerProcess peer(Image image, String name, String host, Path dataDir, Path log, Path java,
            Map<String, String> settings, Duration lifetime) {
        return PeerProcess.builder(name, host, Path.of(APP_JAR)).dataDir(dataDir).log(log).java(java)
                .jvmArgs(image.jvmArgs()).env(settings).lifetime(lifetime).workDir(image.dir()).build();
    }

    private static void run(List<String> command, Path dir, Map<String, String> env, Path log, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> environment = pb.environment();
        environment.keySet().removeIf(k -> k.startsWith("PEERLINK_") || k.startsWith("SERVER_")
                || k.startsWith("SPRING_") || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
        environment.putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new IOException("timed out after " + timeout.toSeconds() + " s: " + command.getFirst() + "; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + " from " + String.join(" ", command) + "; see " + log
                    + ":\n" + tail(log));
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** {@code ImageLaunch <jar> <host> <rounds> <idle seconds> <options file>...}: interleaved restarts per file. */
    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        String host = args[1];
        int rounds = Integer.parseInt(args[2]);
        long idle = Long.parseLong(args[3]);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path dockerfile = projectDir(jar).resolve("Dockerfile");
        Path work = Files.createTempDirectory("peerlink-image-launch-");
        List<Image> images = new ArrayList<>();
        List<PeerProcess> peers = new ArrayList<>();
        Map<String, String> settings = new HashMap<>(Map.of("PEERLINK_KEY_SIZE", "3072"));
        try {
            for (int i = 4; i < args.length; i++) {
                Path variant = Files.createDirectories(work.resolve("v" + (i - 4)));
                Image image = prepare(java, jar, dockerfile, Path.of(args[i]), variant);
                images.add(image);
                PeerProcess peer = peer(image, "v" + (i - 4), host, variant.resolve("data"), variant.resolve("peer.log"),
                        java, settings, Duration.ofMinutes(30));
                peers.add(peer);
                peer.start(); // creates the key: every later start is a restart
                peer.awaitHealthy(Duration.ofSeconds(60));
                peer.close();
                System.out.printf(Locale.ROOT, "v%d [%s]: trained in %.1f s, cache %.1f MiB%n", i - 4, image.options(),
                        image.trainingSeconds(), image.cacheBytes() / 1048576.0);
            }
            for (int round = 0; round < rounds; round++) {
                for (int v = 0; v < peers.size(); v++) {
                    PeerProcess peer = peers.get(v);
                    peer.start();
                    double healthy = peer.awaitHealthy(Duration.ofSeconds(60)).toNanos() / 1e9;
                    double cpu = peer.cpuSeconds();
                    PeerProcess.sleepNanos(TimeUnit.SECONDS.toNanos(idle));
                    PeerProcess.Memory m = peer.memory();
                    peer.close();
                    System.out.printf(Locale.ROOT, "round %d v%d: healthy %.2f s (%.1f s CPU), idle %d s RSS %.0f MiB "
                            + "(anon %.0f, file %.0f, HWM %.0f); load %s%n", round, v, healthy, cpu, idle, m.rssMiB(),
                            m.anonMiB(), m.fileMiB(), m.hwmMiB(),
                            Files.readString(Path.of("/proc/loadavg")).strip());
                }
            }
        } finally {
            peers.forEach(PeerProcess::close);
            WorkDirs.delete(work);
        }
    }
}
