package io.peerlink.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.opentest4j.TestAbortedException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds and parses the Wycheproof known-answer files, which live beside the project and are read in
 * place (see {@code ../shared/vectors/wycheproof/README.md}).
 *
 * <p>The folder comes from the system property {@code peerlink.vectors.dir} (surefire sets it), or
 * else {@code ../shared/vectors/wycheproof} from the working directory. Where the folder is absent
 * (a user's own clone) every test that loads a file is skipped with a message saying so; where it is
 * present, a missing file or a file that parses to fewer vectors than it declares fails the test.
 */
final class WycheproofVectors {

    static final String DIRECTORY_PROPERTY = "peerlink.vectors.dir";
    private static final Path FALLBACK_DIRECTORY = Path.of("..", "shared", "vectors", "wycheproof");
    private static final JsonMapper JSON = JsonMapper.shared();
    private static final HexFormat HEX = HexFormat.of();

    private WycheproofVectors() {
    }

    /** The folder holding the vector files; it may not exist. */
    static Path directory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        Path directory = configured == null || configured.isBlank() ? FALLBACK_DIRECTORY : Path.of(configured);
        return directory.toAbsolutePath().normalize();
    }

    /**
     * The dynamic tests that {@code tests} makes from one file or, where the vector folder is absent,
     * one skipped test whose message says so. (Surefire does not report a factory that is skipped as
     * a whole, so the skip is a dynamic test of its own.)
     */
    static Stream<DynamicNode> dynamicTests(String fileName, Function<VectorFile, Stream<DynamicNode>> tests) {
        Path directory = directory();
        if (!Files.isDirectory(directory)) {
            return Stream.of(DynamicTest.dynamicTest(fileName + " not found",
                    () -> Assumptions.abort(absenceMessage(directory, fileName))));
        }
        return tests.apply(load(fileName));
    }

    /** Parses one file; skips the calling test (JUnit assumption) when the vector folder is absent. */
    static VectorFile load(String fileName) {
        Path directory = directory();
        Assumptions.assumeTrue(Files.isDirectory(directory), () -> absenceMessage(directory, fileName));
        Path file = directory.resolve(fileName);
        assertThat(file).as("Wycheproof file in %s", directory).isRegularFile();

        JsonNode root = JSON.readTree(file);
        List<Vector> vectors = new ArrayList<>();
        for (JsonNode group : root.required("testGroups").values()) {
            for (JsonNode test : group.required("tests").values()) {
                vectors.add(new Vector(group, test));
            }
        }
        assertThat(vectors).as("vectors parsed from %s", fileName)
                .isNotEmpty()
                .hasSize(root.required("numberOfTests").intValue());
        return new VectorFile(fileName, List.copyOf(vectors));
    }

    private static String absenceMessage(Path directory, String fileName) {
        return "Wycheproof vectors not found at " + directory + " (system property " + DIRECTORY_PROPERTY
                + "): skipping the known-answer tests of " + fileName;
    }

    /** The {@code result} of a vector: what a correct implementation must do with it. */
    enum Result {
        VALID, INVALID, ACCEPTABLE;

        static Result of(String json) {
            return valueOf(json.toUpperCase(Locale.ROOT));
        }
    }

    /** All vectors of one file, in file order. */
    record VectorFile(String name, List<Vector> vectors) {

        /**
         * The vectors matching {@code filter}, which must be at least one: a parse or filter mistake
         * cannot make a test pass by testing nothing.
         */
        List<Vector> select(Predicate<Vector> filter) {
            List<Vector> selected = filter(filter);
            assertThat(selected).as("vectors of %s selected for this test", name).isNotEmpty();
            return selected;
        }

        /** The vectors matching {@code filter}, possibly none. */
        List<Vector> filter(Predicate<Vector> filter) {
            return vectors.stream().filter(filter).toList();
        }

        /**
         * One dynamic test per vector, in a container that names the file and the count. A failure
         * names the vector too: surefire's XML report shows dynamic tests by index, not by name.
         */
        Stream<DynamicNode> test(String what, Predicate<Vector> filter, ThrowingConsumer<Vector> check) {
            List<Vector> selected = select(filter);
            return Stream.of(DynamicContainer.dynamicContainer(name + ": " + selected.size() + " " + what,
                    DynamicTest.stream(selected.stream(), Vector::displayName, v -> {
                        try {
                            check.accept(v);
                        } catch (TestAbortedException e) {
                            throw e;
                        } catch (AssertionError | Exception e) {
                            throw new AssertionError(name + " " + v.displayName() + ": " + e, e);
                        }
                    })));
        }

        /**
         * One aborted (skipped) dynamic test per vector that peerlink's boundary cannot take, in a
         * container that gives the count and the reason, so nothing is left out silently.
         */
        Stream<DynamicNode> skip(String reason, Predicate<Vector> filter) {
            List<Vector> skipped = filter(filter);
            if (skipped.isEmpty()) {
                return Stream.empty();
            }
            return Stream.of(DynamicContainer.dynamicContainer(
                    name + ": " + skipped.size() + " skipped, " + reason,
                    DynamicTest.stream(skipped.stream(), Vector::displayName,
                            v -> Assumptions.abort(v.displayName() + ": skipped, " + reason))));
        }
    }

    /** One test case together with its group, whose fields (key sizes, keys) apply to it. */
    record Vector(JsonNode group, JsonNode test) {

        int tcId() {
            return test.required("tcId").intValue();
        }

        String comment() {
            return test.path("comment").asString("");
        }

        List<String> flags() {
            return test.required("flags").values().stream().map(JsonNode::stringValue).toList();
        }

        boolean hasFlag(String flag) {
            return flags().contains(flag);
        }

        Result result() {
            return Result.of(test.required("result").stringValue());
        }

        /** A hex-encoded field of the test case, decoded. */
        byte[] hex(String field) {
            return HEX.parseHex(test.required(field).stringValue());
        }

        /** A hex-encoded field of the test case, as its number of bytes (without decoding). */
        int hexLength(String field) {
            return test.required(field).stringValue().length() / 2;
        }

        boolean has(String field) {
            return test.has(field);
        }

        int intField(String field) {
            return test.required(field).intValue();
        }

        String groupString(String field) {
            return group.required(field).stringValue();
        }

        int groupInt(String field) {
            return group.required(field).intValue();
        }

        byte[] groupHex(String field) {
            return HEX.parseHex(groupString(field));
        }

        /** For example {@code tcId 12 invalid: first byte of l_hash modified [InvalidOaepPadding]}. */
        String displayName() {
            String comment = comment().isEmpty() ? "" : ": " + comment();
            return "tcId " + tcId() + " " + result().name().toLowerCase(Locale.ROOT) + comment + " " + flags();
        }
    }
}
