package io.peerlink.api;

import static org.hamcrest.Matchers.containsString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.head;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.options;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;

/**
 * With {@code peerlink.api-token} set, everything needs the bearer token but health, the Swagger UI
 * shell with its OpenAPI document, and the web page's static files.
 */
@WebMvcTest(controllers = IdentityController.class, properties = "peerlink.api-token=" + ApiSecurityTest.TOKEN)
@Import(ApiSliceConfiguration.class)
class ApiSecurityTest {

    /** At least 32 characters, as start-up demands. */
    static final String TOKEN = "correct horse battery staple 1234";

    @Autowired
    MockMvc mvc;

    private ResultActions expectUnauthorized(ResultActions result, String wwwAuthenticate, String detail)
            throws Exception {
        return result.andExpect(status().isUnauthorized())
                .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, wwwAuthenticate))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(401))
                .andExpect(jsonPath("$.title").value("Unauthorized"))
                .andExpect(jsonPath("$.code").value("unauthorized"))
                .andExpect(jsonPath("$.type").value(ApiError.UNAUTHORIZED.type().toString()))
                .andExpect(jsonPath("$.detail", containsString(detail)));
    }

    @Test
    void refusesARequestWithoutToken() throws Exception {
        expectUnauthorized(mvc.perform(get("/api/identity")), "Bearer", "needs an Authorization: Bearer <token>");
    }

    @Test
    void refusesAWrongToken() throws Exception {
        expectUnauthorized(mvc.perform(get("/api/identity").header(HttpHeaders.AUTHORIZATION,
                "Bearer " + TOKEN.substring(0, TOKEN.length() - 1))),
                "Bearer error=\"invalid_token\"", "not valid");
        expectUnauthorized(mvc.perform(get("/api/identity").header(HttpHeaders.AUTHORIZATION, "Bearer ")),
                "Bearer error=\"invalid_token\"", "not valid");
        expectUnauthorized(mvc.perform(get("/api/identity").header(HttpHeaders.AUTHORIZATION, "Basic Y29ycmVjdA==")),
                "Bearer error=\"invalid_token\"", "not valid");
    }

    @Test
    void acceptsTheRightToken() throws Exception {
        mvc.perform(get("/api/identity").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.keyAlgorithm").value("RSA"));
        mvc.perform(get("/api/identity").header(HttpHeaders.AUTHORIZATION, "bearer " + TOKEN))
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
        mvc.perform(get(URI.create("/%61pi/identity")).header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN))
                .andExpect(status().isOk());
    }

    @Test
    void leavesPathsOutsideTheApiOpen() throws Exception {
        // no controller here, but a 404 problem rather than a 401 shows that the filter let it through
        mvc.perform(get("/v3/api-docs")).andExpect(status().isNotFound());
        mvc.perform(get("/actuator/health")).andExpect(status().isNotFound());
    }

    @ParameterizedTest
    @CsvSource({"/actuator/health, 404", "/actuator/health/liveness, 404", "/actuator/health/readiness, 404",
        "/swagger-ui.html, 404", "/swagger-ui/index.html, 404", "/swagger-ui/swagger-ui-bundle.js, 404",
        "/v3/api-docs, 404", "/v3/api-docs/swagger-config, 404", "/, 200", "/index.html, 200", "/app/main.js, 200",
        "/app/views/inbox.js, 404", "/favicon.ico, 404"})
    void leavesHealthTheSwaggerShellAndThePageAssetsOpen(String path, int served) throws Exception {
        // the slice serves only the page's own files (200), none of the others (404): not 401 shows that the
        // security chain let them through
        mvc.perform(get(path)).andExpect(status().is(served));
        // even with a wrong token: an open path does not look at it
        mvc.perform(get(path).header(HttpHeaders.AUTHORIZATION, "Bearer wrong")).andExpect(status().is(served));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/actuator/prometheus", "/actuator/metrics", "/actuator/metrics/jvm.memory.used",
        "/actuator", "/actuator/info", "/actuator/env", "/actuator/healthz", "/actuator/health-x", "/error",
        "/api", "/api/events", "/swagger-uix", "/v3/api-docsx", "/application", "/index.htm", "/other"})
    void guardsEverythingElse(String path) throws Exception {
        expectUnauthorized(mvc.perform(get(path)), "Bearer", "Bearer <token>");
    }

    @Test
    void opensThePageAssetsOnlyForGet() throws Exception {
        expectUnauthorized(mvc.perform(post("/")), "Bearer", "Bearer <token>");
        expectUnauthorized(mvc.perform(put("/app/main.js")), "Bearer", "Bearer <token>");
        expectUnauthorized(mvc.perform(delete("/index.html")), "Bearer", "Bearer <token>");
    }

    @Test
    void guardsEveryMethodOfTheApi() throws Exception {
        expectUnauthorized(mvc.perform(post("/api/messages").contentType(MediaType.APPLICATION_JSON)
                .content("{\"text\":\"hi\"}")), "Bearer", "Bearer <token>");
        expectUnauthorized(mvc.perform(delete("/api/peers/" + "0".repeat(64))), "Bearer", "Bearer <token>");
        expectUnauthorized(mvc.perform(options("/api/identity")), "Bearer", "Bearer <token>");
        expectUnauthorized(mvc.perform(head("/api/identity")), "Bearer", "Bearer <token>");
    }

    @Test
    void needsNoCsrfTokenAndKeepsNoSession() throws Exception {
        // a POST with the bearer token and nothing else reaches the controller (405: identity is GET only)
        MvcResult post = mvc.perform(post("/api/identity").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andReturn();
        assertThat(post.getRequest().getSession(false)).isNull();
        MvcResult ok = mvc.perform(get("/api/identity").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN))
                .andExpect(status().isOk())
                .andExpect(header().doesNotExist(HttpHeaders.SET_COOKIE))
                .andReturn();
        assertThat(ok.getRequest().getSession(false)).isNull();
        MvcResult refused = mvc.perform(get("/api/identity")).andExpect(status().isUnauthorized()).andReturn();
        assertThat(refused.getRequest().getSession(false)).isNull();
    }

    @Test
    void offersNoLoginFormNorBasicAuthentication() throws Exception {
        expectUnauthorized(mvc.perform(get("/login")), "Bearer", "Bearer <token>");
        expectUnauthorized(mvc.perform(post("/login").param("username", "user").param("password", "x")),
                "Bearer", "Bearer <token>");
        expectUnauthorized(mvc.perform(get("/logout")), "Bearer", "Bearer <token>");
        // an HTTP Basic header is no way in, whatever it holds
        expectUnauthorized(mvc.perform(get("/api/identity").header(HttpHeaders.AUTHORIZATION,
                "Basic " + Base64.getEncoder().encodeToString(("user:" + TOKEN).getBytes(StandardCharsets.UTF_8)))),
                "Bearer error=\"invalid_token\"", "not valid");
    }

    @Test
    void comparesTheWholeToken() {
        var filter = new ApiSecurity.BearerTokenFilter(TOKEN);
        assertThat(filter.hasValidToken("Bearer " + TOKEN)).isTrue();
        assertThat(filter.hasValidToken("BEARER " + TOKEN)).isTrue();
        assertThat(filter.hasValidToken("Bearer   " + TOKEN + "  ")).isTrue();
        assertThat(filter.hasValidToken(null)).isFalse();
        assertThat(filter.hasValidToken("")).isFalse();
        assertThat(filter.hasValidToken("Bearer")).isFalse();
        assertThat(filter.hasValidToken("Bearer ")).isFalse();
        assertThat(filter.hasValidToken("Bearer correct")).isFalse();
        assertThat(filter.hasValidToken("Bearer " + TOKEN + " staple")).isFalse();
        assertThat(filter.hasValidToken("Bearer correct horse battery staple 1235")).isFalse();
        assertThat(filter.hasValidToken("Bearer Correct horse battery staple 1234")).isFalse();
        assertThat(filter.hasValidToken("Bearer" + TOKEN)).isFalse();
        assertThat(filter.hasValidToken("Token " + TOKEN)).isFalse();
        assertThat(filter.hasValidToken(TOKEN)).isFalse();
        // not the same bytes: non-ASCII is compared as UTF-8, not folded
        assertThat(new ApiSecurity.BearerTokenFilter("grüße").hasValidToken("Bearer grüße")).isTrue();
        assertThat(new ApiSecurity.BearerTokenFilter("grüße").hasValidToken("Bearer grusse")).isFalse();
    }
}
