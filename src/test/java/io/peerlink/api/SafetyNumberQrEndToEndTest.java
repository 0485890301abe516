package io.peerlink.api;

import static io.peerlink.api.RunningPeer.body;
import static io.peerlink.api.RunningPeer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.support.SvgQrCodes;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two whole peers over real HTTP and loopback sockets: each draws the safety number of the pair as a
 * QR code, ZXing reads both back, and both say the same text, the one docs/PROTOCOL.md section 3 defines.
 */
class SafetyNumberQrEndToEndTest {

    static final String TOKEN = "qr-token-0123456789-0123456789-0";

    @TempDir
    static Path dataDirs;

    static RunningPeer a;
    static RunningPeer b;

    @BeforeAll
    static void startPeers() {
        a = RunningPeer.start("qr-a", dataDirs.resolve("a"), TOKEN);
        b = RunningPeer.start("qr-b", dataDirs.resolve("b"), null);
    }

    @AfterAll
    static void stopPeers() {
        for (RunningPeer p : new RunningPeer[] {a, b}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @Test
    void bothPeersOfAPairDrawTheSameDocumentedPayload() throws Exception {
        HttpResponse<String> created = a.connect(b, true);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        awaitKnown(b, a.peerId);

        String atA = qr(a, b.peerId);
        String atB = qr(b, a.peerId);
        String safetyNumber = json(a.get("/api/peers/" + b.peerId)).path("safetyNumber").asString();
        assertThat(json(b.get("/api/peers/" + a.peerId)).path("safetyNumber").asString()).isEqualTo(safetyNumber);
        String lower = a.peerId.compareTo(b.peerId) < 0 ? a.peerId : b.peerId;
        String higher = lower.equals(a.peerId) ? b.peerId : a.peerId;
        String documented = "peerlink-safety:1:" + safetyNumber.replace(" ", "") + ":" + lower + ":" + higher;

        assertThat(SvgQrCodes.decode(atA)).isEqualTo(documented);
        assertThat(SvgQrCodes.decode(atB)).isEqualTo(documented);
    }

    @Test
    void answersNotFoundForAnUnknownPeerAndUnauthorizedWithoutTheToken() {
        HttpResponse<String> unknown = a.get("/api/peers/" + "cd".repeat(32) + "/safety-number.svg");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(body(unknown).path("code").asString()).isEqualTo("unknown-peer");

        HttpResponse<String> noToken = a.getWithoutToken("/api/peers/" + b.peerId + "/safety-number.svg");
        assertThat(noToken.statusCode()).isEqualTo(401);
        // documented: an SVG on 200, the unknown-peer problem on 404
        var operation = json(a.getWithoutToken("/v3/api-docs")).path("paths")
                .path("/api/peers/{peerId}/safety-number.svg").path("get");
        assertThat(operation.path("summary").asString()).isNotEmpty();
        assertThat(operation.path("responses").path("200").path("content").has("image/svg+xml")).isTrue();
        assertThat(operation.path("responses").path("404").path("$ref").asString()).endsWith("/UnknownPeer");
    }

    private static String qr(RunningPeer at, String peerId) {
        HttpResponse<String> r = at.get("/api/peers/" + peerId + "/safety-number.svg");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("image/svg+xml"));
        assertThat(r.body()).startsWith("<?xml").contains("<svg").doesNotContain("<script");
        return r.body();
    }

    private static void awaitKnown(RunningPeer at, String peerId) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (at.get("/api/peers/" + peerId).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(at + " never learned of " + peerId);
            }
            Thread.sleep(100);
        }
    }
}
