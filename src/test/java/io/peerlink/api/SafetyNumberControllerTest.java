package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.identity.Fingerprints;
import io.peerlink.support.SvgQrCodes;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/** {@code GET /api/peers/{peerId}/safety-number.svg} over MockMvc, with a real peer connected over loopback. */
@WebMvcTest(SafetyNumberController.class)
@Import(ApiSliceConfiguration.class)
class SafetyNumberControllerTest {

    static final MediaType SVG = MediaType.valueOf("image/svg+xml");
    static final String UNKNOWN_ID = "ab".repeat(32);

    static PeerConnectionService remote;

    @Autowired
    MockMvc mvc;

    @Autowired
    PeerConnectionService local;

    @BeforeAll
    static void startRemote() throws IOException {
        remote = ApiSliceConfiguration.remote("api-slice-remote-qr");
    }

    @AfterAll
    static void stopRemote() {
        remote.stop();
    }

    @AfterEach
    void forgetPeers() {
        ApiSliceConfiguration.disconnectAll(local);
    }

    @Test
    void drawsTheSafetyNumberPayloadOfThePairAsAQrCode() throws Exception {
        local.connect("127.0.0.1", remote.listenPort(), null);
        String expected = Fingerprints.safetyNumberPayload(local.identity().publicKey(), remote.identity().publicKey());

        MvcResult result = mvc.perform(get("/api/peers/{peerId}/safety-number.svg", remote.identity().peerId())
                        .accept(SVG))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(SVG))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                .andExpect(header().string("Content-Security-Policy", "default-src 'none'"))
                .andReturn();
        String svg = result.getResponse().getContentAsString();
        assertThat(svg).doesNotContain("<script");
        assertThat(SvgQrCodes.decode(svg)).isEqualTo(expected);

        // the fingerprint names the peer as well, and a browser's <img> Accept gets the same image
        String byFingerprint = mvc.perform(get("/api/peers/{peerId}/safety-number.svg",
                        remote.identity().publicKey().fingerprint()).header("Accept", "image/avif,image/webp,*/*"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(SVG))
                .andReturn().getResponse().getContentAsString();
        assertThat(byFingerprint).isEqualTo(svg);

        // and so does its alias
        local.rename(remote.identity().peerId(), "qr-remote");
        String byAlias = mvc.perform(get("/api/peers/{peerId}/safety-number.svg", "QR-Remote"))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(byAlias).isEqualTo(svg);
    }

    @Test
    void answersNotFoundAsProblemForAnUnknownPeer() throws Exception {
        // as an <img> asks, as curl asks, and with no Accept at all
        for (String accept : new String[] {"image/svg+xml", "*/*", null}) {
            var request = get("/api/peers/{peerId}/safety-number.svg", UNKNOWN_ID);
            if (accept != null) {
                request.header("Accept", accept);
            }
            mvc.perform(request)
                    .andExpect(status().isNotFound())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.status").value(404))
                    .andExpect(jsonPath("$.code").value("unknown-peer"))
                    .andExpect(jsonPath("$.detail", containsString(UNKNOWN_ID)));
        }
    }
}
