package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the chat page's sources must never contain, checked on the files themselves (the browser
 * tests check the behaviour): markup built from strings, inline script or style that the
 * Content-Security-Policy would refuse, anything fetched from another site, and references to
 * elements or modules that do not exist.
 */
class ChatPageSourceTest {

    private static final Path STATIC = Path.of("src/main/resources/static");

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + p, e);
        }
    }

    private static List<Path> files(String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(STATIC)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void theModulesNeverTurnStringsIntoMarkupOrCode() throws IOException {
        List<Path> modules = files(".js");
        assertThat(modules).extracting(p -> p.getFileName().toString())
                .contains("main.js", "api.js", "events.js", "conversation.js", "composer.js", "contacts.js",
                        "connect.js", "contact-info.js", "identity.js", "token.js", "qr.js");
        Pattern forbidden = Pattern.compile("innerHTML|outerHTML|insertAdjacentHTML|document\\.write|\\beval\\s*\\("
                + "|new\\s+Function|setAttribute\\(\\s*['\"](style|on\\w+)['\"]|\\.style\\.|javascript:");
        for (Path module : modules) {
            Matcher m = forbidden.matcher(read(module));
            if (m.find()) {
                throw new AssertionError(module + " uses " + m.group());
            }
        }
    }

    @Test
    void thePageHasNoInlineScriptStyleOrHandlersAndLoadsNothingFromElsewhere() throws IOException {
        for (Path html : files(".html")) {
            String page = read(html);
            Matcher scripts = Pattern.compile("<script\\b([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(page);
            int count = 0;
            while (scripts.find()) {
                count++;
                assertThat(scripts.group(1)).as("a script of %s", html).contains("src=");
                assertThat(scripts.group(2)).as("inline script in %s", html).isBlank();
            }
            assertThat(count).as("scripts in %s", html).isPositive();
            assertThat(page).as(html.toString())
                    .doesNotContainPattern("(?i)<style\\b")
                    .doesNotContainPattern("(?i)\\sstyle\\s*=")
                    .doesNotContainPattern("(?i)\\son[a-z]+\\s*=")
                    .doesNotContainPattern("(?i)(src|href)\\s*=\\s*\"(https?:)?//");
        }
        for (Path source : Stream.of(files(".js"), files(".css")).flatMap(List::stream).toList()) {
            assertThat(read(source)).as("%s must fetch nothing from another site", source)
                    .doesNotContainPattern("(?i)url\\(\\s*['\"]?(https?:)?//")
                    .doesNotContainPattern("(?i)@import")
                    .doesNotContainPattern("fetch\\(\\s*['\"`]https?:");
        }
    }

    @Test
    void everyElementAModuleLooksUpIsInThePage() throws IOException {
        String page = read(STATIC.resolve("index.html"));
        Set<String> ids = new TreeSet<>();
        Matcher idAttr = Pattern.compile("\\sid=\"([^\"]+)\"").matcher(page);
        while (idAttr.find()) {
            assertThat(ids.add(idAttr.group(1))).as("id %s appears twice in index.html", idAttr.group(1)).isTrue();
        }
        Set<String> wanted = new TreeSet<>();
        for (Path module : files(".js")) {
            Matcher byId = Pattern.compile("byId\\('([^']+)'\\)").matcher(read(module));
            while (byId.find()) {
                wanted.add(byId.group(1));
            }
        }
        assertThat(wanted).hasSizeGreaterThan(30);
        assertThat(ids).containsAll(wanted);
    }

    @Test
    void everyImportIsAModuleOfThePage() throws IOException {
        for (Path module : files(".js")) {
            Matcher imports = Pattern.compile("^import .* from '([^']+)';$", Pattern.MULTILINE).matcher(read(module));
            while (imports.find()) {
                String target = imports.group(1);
                assertThat(target).as("import in %s", module).matches("\\./[a-z-]+\\.js");
                assertThat(module.resolveSibling(target.substring(2))).as("import in %s", module).isRegularFile();
            }
        }
    }
}
