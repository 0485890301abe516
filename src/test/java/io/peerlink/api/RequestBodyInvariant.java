package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The invariant of the request-body fuzz targets: whatever the body, the answer is a success or a
 * client error, and every client error is an RFC 9457 problem whose {@code status} is the answer's.
 * An exception escaping the MVC stack fails the target before this is reached.
 */
final class RequestBodyInvariant {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RequestBodyInvariant() {
    }

    /** Checks the answer and returns its status. */
    static int check(MvcResult result) throws Exception {
        MockHttpServletResponse response = result.getResponse();
        int status = response.getStatus();
        assertThat(status).as("status (the log has the exception of a 500)").isBetween(200, 499);
        if (status >= 400) {
            assertThat(MediaType.parseMediaType(response.getContentType()))
                    .matches(t -> t.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON), "problem+json");
            JsonNode problem = JSON.readTree(response.getContentAsByteArray());
            assertThat(problem.path("status").asInt()).isEqualTo(status);
            assertThat(problem.path("title").isString()).isTrue();
            assertThat(problem.path("detail").isString()).isTrue();
        }
        return status;
    }
}
