package io.peerlink.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/**
 * An error of the HTTP API: its {@link ApiError} kind and a detail for people that names the value
 * and what was expected. Controllers and the HTTP edge throw it; {@link ApiExceptionHandler} renders
 * it. Extra problem members (such as a message's {@code id}) and
 * headers go with it.
 */
public class ApiException extends RuntimeException {

    private final ApiError error;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final HttpHeaders headers = new HttpHeaders();

    public ApiException(ApiError error, String detail) {
        super(detail, null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }

    /** Adds a member to the problem; returns this exception. */
    public ApiException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    /** Adds a response header (such as {@code WWW-Authenticate}); returns this exception. */
    public ApiException withHeader(String name, String value) {
        headers.set(name, value);
        return this;
    }

    Map<String, Object> properties() {
        return properties;
    }

    HttpHeaders headers() {
        return headers;
    }
}
