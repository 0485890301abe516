package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The error kinds: one title, code and type each, and README's table lists exactly them, in order. */
class ApiErrorTest {

    @Test
    void eachKindHasItsOwnCodeTitleAndTypeAndAnErrorStatus() {
        Set<String> codes = new HashSet<>();
        Set<String> types = new HashSet<>();
        for (ApiError e : ApiError.values()) {
            assertThat(codes.add(e.code())).as(e + " code").isTrue();
            assertThat(types.add(e.type().toString())).as(e + " type").isTrue();
            assertThat(e.code()).matches("[a-z0-9-]+");
            assertThat(e.type().toString()).isEqualTo(ApiError.TYPE_PREFIX + e.code());
            assertThat(e.type().isAbsolute()).isTrue();
            assertThat(e.status().isError()).as(e + " status").isTrue();
            assertThat(e.title()).isNotBlank();
        }
        // the names the Host and Origin checks use
        assertThat(ApiError.MISDIRECTED_REQUEST.status().value()).isEqualTo(421);
        assertThat(ApiError.CROSS_ORIGIN.status().value()).isEqualTo(403);
    }

    @Test
    void aStatusAloneMapsToTheKindOfThatStatus() {
        for (int status = 400; status < 600; status++) {
            int s = status;
            ApiError.forStatus(status).ifPresent(e -> assertThat(e.status().value()).isEqualTo(s));
        }
        assertThat(ApiError.forStatus(404)).contains(ApiError.NO_ENDPOINT);
        assertThat(ApiError.forStatus(418)).isEmpty();
    }

    @Test
    void readmeListsEveryKindWithItsStatusCodeAndTitle() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Errors"), readme.indexOf("## Configuration"));
        Matcher row = Pattern.compile("^\\| (\\d{3}) \\| `([a-z0-9-]+)` \\| ([^|]+) \\|", Pattern.MULTILINE)
                .matcher(section);
        List<String> listed = new ArrayList<>();
        while (row.find()) {
            listed.add(row.group(1) + " " + row.group(2) + " " + row.group(3).strip());
        }
        List<String> kinds = new ArrayList<>();
        for (ApiError e : ApiError.values()) {
            kinds.add(e.status().value() + " " + e.code() + " " + e.title());
        }
        assertThat(listed).isEqualTo(kinds);
    }
}
