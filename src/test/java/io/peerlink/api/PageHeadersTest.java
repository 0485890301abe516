package io.peerlink.api;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The chat page is served at {@code /} with a strict Content-Security-Policy and without the API
 * token (its own calls carry it); every response says nosniff.
 */
@WebMvcTest(controllers = IdentityController.class, properties = "peerlink.api-token=s3cret-s3cret-s3cret-s3cret-s3cret")
@Import(ApiSliceConfiguration.class)
class PageHeadersTest {

    private static final String CSP = "Content-Security-Policy";
    private static final String POLICY =
            "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Autowired
    MockMvc mvc;

    @Test
    void servesThePageAtTheRootWithTheStrictPolicy() throws Exception {
        mvc.perform(get("/"))
                .andExpect(status().isOk())
                .andExpect(forwardedUrl("index.html"))
                .andExpect(header().string(CSP, POLICY))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"));
        mvc.perform(get("/index.html"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("<script type=\"module\" src=\"app/main.js\"></script>")))
                .andExpect(header().string(CSP, POLICY))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"));
    }

    @Test
    void servesTheModulesAndStylesAsTheirTypesWithoutTheToken() throws Exception {
        mvc.perform(get("/app/main.js"))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Type", containsString("javascript")))
                .andExpect(header().string(CSP, POLICY));
        mvc.perform(get("/app/style.css"))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Type", containsString("text/css")))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"));
    }

    @Test
    void theApiSaysNosniffButKeepsItsOwnRules() throws Exception {
        mvc.perform(get("/api/identity").header("Authorization", "Bearer s3cret-s3cret-s3cret-s3cret-s3cret"))
                .andExpect(status().isOk())
                .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                .andExpect(header().doesNotExist(CSP));
        mvc.perform(get("/api/identity"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                .andExpect(header().doesNotExist(CSP));
    }

    /** Without a token the API is open, and the page keeps its policy. */
    @Nested
    @TestPropertySource(properties = "peerlink.api-token=")
    class WithoutAToken {

        @Autowired
        MockMvc mvc;

        @Test
        void thePageStillHasItsPolicy() throws Exception {
            mvc.perform(get("/index.html"))
                    .andExpect(status().isOk())
                    .andExpect(header().string(CSP, POLICY))
                    .andExpect(header().string("X-Content-Type-Options", "nosniff"));
            mvc.perform(get("/api/identity"))
                    .andExpect(status().isOk())
                    .andExpect(header().doesNotExist(CSP));
        }
    }
}
