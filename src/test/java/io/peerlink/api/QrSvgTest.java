package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.support.SvgQrCodes;
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
