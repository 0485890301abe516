package io.peerlink.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.support.DefaultLocale;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ProtocolExceptionTest {

    @Test
    void reasonTagsAreAsciiLowercaseUnderATurkishDefaultLocale() throws Exception {
        // under tr-TR, "I".toLowerCase() is a dotless "ı": BAD_IDENTITY_KEY would become bad_ıdentıty_key
        List<String> tags = DefaultLocale.with(Locale.forLanguageTag("tr-TR"),
                () -> Arrays.stream(ProtocolException.Reason.values()).map(ProtocolException.Reason::tag).toList());
        assertThat(tags).allMatch(t -> t.matches("[a-z_]+"), "ASCII lowercase")
                .contains("bad_identity_key", "key_confirmation_failed", "idle_timeout");
    }
}
