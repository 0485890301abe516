package io.peerlink.api;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** With {@code peerlink.api-token} set, {@code /api/**} needs the bearer token; the rest stays open. */
@WebMvcTest(controllers = IdentityController.class, properties = "peerlink.api-token=correct horse")
@Import(ApiSliceConfiguration.class)
class ApiTokenFilterTest {

    @Autowired
    MockMvc mvc;

    private ResultActions expectUnauthorized(ResultActions result, String wwwAuthenticate, String detail)
            throws Exception {
        return result.andExpect(status().isUnauthorized())
                .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, wwwAuthenticate))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(401))
                .andExpect(jsonPath("$.title").value("Unauthorized"))
                .andExpect(jsonPath("$.detail", containsString(detail)));
    }

    @Test
    void refusesARequestWithoutToken() throws Exception {
        expectUnauthorized(mvc.perform(get("/api/identity")), "Bearer", "needs an Authorization: Bearer <token>");
    }

    @Test
    void refusesAWrongToken() throws Exception {
        expectUnauthorized(mvc.perform(get("/api/identity").header(HttpHeaders.AUTHORIZATION, "Bearer correct hors")),
                "Bearer error=\"invalid_token\"", "not valid");
        expectUnauthorized(mvc.perform(get("/api/identity").header(HttpHeaders.AUTHORIZATION, "Bearer ")),
                "Bearer error=\"invalid_token\"", "not valid");
        expectUnauthorized(mvc.perform(get("/api/identity").header(HttpHeaders.AUTHORIZATION, "Basic Y29ycmVjdA==")),
                "Bearer error=\"invalid_token\"", "not valid");
    }

    @Test
    void acceptsTheRightToken() throws Exception {
        mvc.perform(get("/api/identity").header(HttpHeaders.AUTHORIZATION, "Bearer correct horse"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.keyAlgorithm").value("RSA"));
        mvc.perform(get("/api/identity").header(HttpHeaders.AUTHORIZATION, "bearer correct horse"))
                .andExpect(status().isOk());
    }

    @Test
    void guardsUnknownApiRoutesAndEncodedPathsToo() throws Exception {
        expectUnauthorized(mvc.perform(get("/api/no-such-thing")), "Bearer", "Bearer <token>");
        expectUnauthorized(mvc.perform(get(URI.create("/%61pi/identity"))), "Bearer", "Bearer <token>");
        expectUnauthorized(mvc.perform(get("/").with(request -> {
            request.setRequestURI("//api//identity");
            return request;
        })), "Bearer", "Bearer <token>");
    }

    @Test
    void withoutTheFilterAnEncodedPathWouldReachTheApi() throws Exception {
        // shows that the encoded-path case above is a real bypass attempt: Spring MVC decodes it
        mvc.perform(get(URI.create("/%61pi/identity")).header(HttpHeaders.AUTHORIZATION, "Bearer correct horse"))
                .andExpect(status().isOk());
    }

    @Test
    void leavesPathsOutsideTheApiOpen() throws Exception {
        // no controller here, but a 404 problem rather than a 401 shows that the filter let it through
        mvc.perform(get("/v3/api-docs")).andExpect(status().isNotFound());
        mvc.perform(get("/actuator/health")).andExpect(status().isNotFound());
    }
}
