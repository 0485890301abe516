package io.peerlink.api;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URISyntaxException;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Replaces Boot's {@code BasicErrorController}, which still answers in its own JSON format, so that
 * errors raised outside Spring MVC (by the servlet container, or a {@code sendError}) are
 * {@code application/problem+json} too, with the title, code and type of their {@link ApiError}
 * kind (known by the status alone). The detail is the status phrase: nothing from an exception
 * reaches the client.
 *
 * <p>It stays only because Spring Boot does not yet render container errors as problem details
 * (spring-boot#43850, https://github.com/spring-projects/spring-boot/issues/43850); once it does,
 * this class and {@link ContainerErrorReports} can go.
 */
@Hidden
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        HttpStatus status = HttpStatus.INTERNAL_SERVER_ERROR;
        if (request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code) {
            HttpStatus resolved = HttpStatus.resolve(code);
            if (resolved != null && resolved.isError()) {
                status = resolved;
            }
        }
        String detail = status.is5xxServerError() ? ApiExceptionHandler.INTERNAL_DETAIL : status.getReasonPhrase();
        HttpStatus answered = status;
        ProblemDetail body = ApiError.forStatus(status.value()).filter(e -> e.status() == answered)
                .map(e -> ApiExceptionHandler.problem(e, detail))
                .orElseGet(() -> {
                    ProblemDetail other = ProblemDetail.forStatusAndDetail(answered, detail);
                    other.setProperty("code", "http-" + answered.value());
                    return other;
                });
        if (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri) {
            try {
                body.setInstance(new URI(uri));
            } catch (URISyntaxException e) {
                // leave it out
            }
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }
}
