package io.peerlink.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.RequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The invariant of the request-body fuzz targets: whatever the body, the answer comes within
 * {@link #LIMIT}, it is a success or a client error, and every client error is an RFC 9457 problem
 * whose {@code status} is the answer's. An exception escaping the MVC stack fails the target.
 *
 * <p>Not thread-safe: one fuzz target at a time (Jazzer runs one).
 */
final class RequestBodyInvariant {

    /** Longer than this for one request is a hang (a request normally takes well under 10 ms). */
    static final Duration LIMIT = Duration.ofSeconds(5);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static ExecutorService worker = newWorker();

    private RequestBodyInvariant() {
    }

    /**
     * Performs the request on a worker thread and waits at most {@link #LIMIT}: a hanging input
     * fails the target, while fuzzing as when replayed, instead of stalling it (JUnit's own
     * timeout cannot be used while fuzzing, where the whole run is one invocation).
     */
    static int perform(MockMvc mvc, RequestBuilder request) throws Exception {
        Future<MvcResult> result = worker.submit(() -> mvc.perform(request).andReturn());
        try {
            return check(result.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            result.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the stuck thread is a daemon: it cannot keep the JVM alive
            throw new AssertionError("the request took longer than " + LIMIT.toSeconds() + " s: a hang");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        }
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(Thread.ofPlatform().name("fuzz-request").daemon().factory());
    }

    /** Checks the answer and returns its status. */
    private static int check(MvcResult result) throws Exception {
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
