package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.support.SvgQrCodes;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QrSvgTest {

    /** The known-answer payload of docs/PROTOCOL.md section 11. */
    static final String PAYLOAD = "peerlink-safety:1:142914539484408937964583521285783692400837856789032750403610"
            + ":23783f4eb37a11eb1a8f7767e9cb828222a9b564a92ad3c90ba35fd2737c620a"
            + ":9541b02b9f176c8a064a9047cce72abc932d002fd57e01b89af3aac447699642";

    @Test
    void drawsACodeThatZxingReadsBackToTheSameText() {
        String svg = QrSvg.render(PAYLOAD, "Safety number");
        assertThat(SvgQrCodes.decode(svg)).isEqualTo(PAYLOAD);
        // and a short text, another version of the code
        assertThat(SvgQrCodes.decode(QrSvg.render("peerlink", "t"))).isEqualTo("peerlink");
    }

    /**
     * A payload (from random identities) whose code with the penalty rule's mask ZXing's detector does
     * not find upright: a finder-like shape in the data area ends its row scan before the real
     * bottom-left finder pattern. It made SafetyNumberQrEndToEndTest and ContactsAndTrustE2ETest flaky.
     */
    static final String HIDDEN_WITH_THE_PENALTY_MASK = "peerlink-safety:1:"
            + "734179752505647529549601759508520092876801617663400234258328"
            + ":1054e266513fd226c3e3ed02a7914b856cbe83ec5d2c44c487d0daffb4ae2938"
            + ":78274d94ad7c3d2c15cdc994d98429fec8578788a6c7bb56d35d2e29fb9f75d9";

    @Test
    void takesAnotherMaskWhenZxingCannotFindThePenaltyRulesOne() {
        assertThat(QrSvg.readsBack(QrSvg.encode(HIDDEN_WITH_THE_PENALTY_MASK, -1), HIDDEN_WITH_THE_PENALTY_MASK))
                .as("the kept payload still hides the code from ZXing's detector").isFalse();
        String svg = QrSvg.render(HIDDEN_WITH_THE_PENALTY_MASK, "Safety number");
        assertThat(SvgQrCodes.decode(svg)).isEqualTo(HIDDEN_WITH_THE_PENALTY_MASK);
        // and the payload that works with the penalty rule's mask keeps it
        assertThat(QrSvg.encode(PAYLOAD)).isEqualTo(QrSvg.encode(PAYLOAD, -1));
    }

    @Test
    void everyRandomSafetyNumberPayloadReadsBack() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < 200; i++) {
            StringBuilder digits = new StringBuilder();
            for (int d = 0; d < 60; d++) {
                digits.append((char) ('0' + random.nextInt(10)));
            }
            byte[] x = new byte[32];
            byte[] y = new byte[32];
            random.nextBytes(x);
            random.nextBytes(y);
            String a = hex.formatHex(x);
            String b = hex.formatHex(y);
            String payload = "peerlink-safety:1:" + digits + ":" + (a.compareTo(b) < 0 ? a + ":" + b : b + ":" + a);
            assertThat(SvgQrCodes.decode(QrSvg.render(payload, "Safety number")))
                    .as("payload %d of seed %d", i, seed).isEqualTo(payload);
        }
    }

    @Test
    void hasAQuietZoneOfFourModulesAndAFinderPatternInside() {
        SvgQrCodes.Raster raster = SvgQrCodes.rasterise(QrSvg.render(PAYLOAD, "Safety number"));
        int n = raster.modules();
        // 17 + 4 * version modules of code, 4 light modules each side
        assertThat((n - 2 * QrSvg.QUIET_ZONE - 17) % 4).isZero();
        for (int i = 0; i < n; i++) {
            for (int q = 0; q < QrSvg.QUIET_ZONE; q++) {
                assertThat(raster.dark(i, q) || raster.dark(i, n - 1 - q) || raster.dark(q, i)
                        || raster.dark(n - 1 - q, i)).as("quiet zone at %d/%d", i, q).isFalse();
            }
        }
        // the top-left finder pattern's outer ring starts right after the quiet zone
        for (int i = 0; i < 7; i++) {
            assertThat(raster.dark(QrSvg.QUIET_ZONE + i, QrSvg.QUIET_ZONE)).isTrue();
            assertThat(raster.dark(QrSvg.QUIET_ZONE, QrSvg.QUIET_ZONE + i)).isTrue();
        }
        assertThat(raster.dark(QrSvg.QUIET_ZONE + 1, QrSvg.QUIET_ZONE + 1)).isFalse();
    }

    @Test
    void isAPlainImageWithCrispEdgesAndNothingActive() {
        String svg = QrSvg.render(PAYLOAD, "Safety number 14291 45394");
        assertThat(svg).contains("shape-rendering=\"crispEdges\"").doesNotContain("<script")
                .doesNotContainIgnoringCase("href").doesNotContain("<style").doesNotContain("<image");
        assertThat(SvgQrCodes.names(svg)).containsOnly("svg", "@xmlns", "@version", "@viewBox", "@width", "@height",
                "@shape-rendering", "title", "rect", "@fill", "path", "@d");
        assertThat(svg).contains("<title>Safety number 14291 45394</title>");
    }

    @Test
    void refusesMarkupInTheTitle() {
        assertThatThrownBy(() -> QrSvg.render(PAYLOAD, "<script>")).isInstanceOf(IllegalArgumentException.class);
    }
}
