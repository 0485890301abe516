package io.peerlink.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.peerlink.messaging.PeerConnectionService;
import io.peerlink.crypto.CryptoProviders;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/** {@code GET /api/identity}. */
@WebMvcTest(IdentityController.class)
@Import(ApiSliceConfiguration.class)
class IdentityControllerTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    PeerConnectionService service;

    @Test
    void showsThisPeersIdentity() throws Exception {
        CryptoProviders.accpAvailable(); // waits until ACCP has loaded (or failed to): the selection is then settled
        mvc.perform(get("/api/identity"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.peerId").value(service.identity().peerId()))
                .andExpect(jsonPath("$.peerId", matchesPattern("[0-9a-f]{64}")))
                .andExpect(jsonPath("$.fingerprint", matchesPattern("([0-9a-f]{4} ){15}[0-9a-f]{4}")))
                .andExpect(jsonPath("$.publicKeyPem", containsString("-----BEGIN PUBLIC KEY-----")))
                .andExpect(jsonPath("$.keyAlgorithm").value("RSA"))
                .andExpect(jsonPath("$.keySize").value(2048))
                .andExpect(jsonPath("$.listenPort").value(service.listenPort()))
                .andExpect(jsonPath("$.maxMessageBytes").value(65536))
                .andExpect(jsonPath("$.cryptoProviders.rsaOaepDecrypt").value(CryptoProviders.selection().rsaOaepDecrypt()))
                .andExpect(jsonPath("$.cryptoProviders.aesGcm").value(CryptoProviders.selection().aesGcm()));
    }

    @Test
    void neverShowsThePrivateKey() throws Exception {
        mvc.perform(get("/api/identity"))
                .andExpect(content().string(not(containsString("PRIVATE"))));
    }

    @Test
    void answersMethodNotAllowedAsProblem() throws Exception {
        mvc.perform(post("/api/identity"))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("Method POST is not supported here; allowed: GET"));
    }

    /** The limit a client shows before a text is too long is the configured one, not a constant. */
    @Nested
    @TestPropertySource(properties = "peerlink.max-message-bytes=2KB")
    class WithASmallerMessageLimit {

        @Autowired
        MockMvc mvc;

        @Test
        void showsTheConfiguredLimitInBytes() throws Exception {
            mvc.perform(get("/api/identity"))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.maxMessageBytes").value(2048));
        }
    }
}
