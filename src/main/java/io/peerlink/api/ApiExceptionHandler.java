package io.peerlink.api;

import io.peerlink.transport.PeerConnectionException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place where errors of the REST API become RFC 9457 {@code application/problem+json}: each
 * one is an {@link ApiError} kind (status, title, {@code code}, {@code type}) with a {@code detail}
 * that names the value and what was expected. Validation errors list each offending field or
 * parameter in {@code errors}. Request text is never echoed into a problem beyond a short excerpt
 * of a bad parameter, and nothing here logs message content.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    private static final int MAX_ECHO = 80;
    /** Seconds a client should wait before retrying a 503. */
    static final String RETRY_AFTER_SECONDS = "5";

    /** The problem of one error kind; every problem of the API is made here. */
    static ProblemDetail problem(ApiError error, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(error.status(), detail);
        body.setType(error.type());
        body.setTitle(error.title());
        body.setProperty("code", error.code());
        return body;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> handleApi(ApiException e, WebRequest request) {
        ProblemDetail body = problem(e.error(), e.getMessage());
        e.properties().forEach(body::setProperty);
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(e.headers());
        if (e.error().status() == HttpStatus.SERVICE_UNAVAILABLE && !headers.containsHeader(HttpHeaders.RETRY_AFTER)) {
            headers.set(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        log.debug("{} ({}): {}", e.error().title(), e.error().status().value(), e.getMessage());
        return handleExceptionInternal(e, body, headers, e.error().status(), request);
    }

    @ExceptionHandler(PeerConnectionException.class)
    ResponseEntity<Object> handlePeerConnection(PeerConnectionException e, WebRequest request) {
        ApiException api = new ApiException(error(e.kind()), e.getMessage());
        if (e.messageId() != null) {
            api.with("id", e.messageId());
        }
        return handleApi(api, request);
    }

    /** The API's kind of each peer service error. */
    static ApiError error(PeerConnectionException.Kind kind) {
        return switch (kind) {
            case UNREACHABLE -> ApiError.UNREACHABLE;
            case HANDSHAKE_FAILED -> ApiError.HANDSHAKE_FAILED;
            case FINGERPRINT_MISMATCH -> ApiError.FINGERPRINT_MISMATCH;
            case KEY_CHANGED -> ApiError.KEY_CHANGED;
            case SELF -> ApiError.SELF;
            case INVALID -> ApiError.INVALID_REQUEST;
            case ALIAS_TAKEN -> ApiError.ALIAS_TAKEN;
            case SAFETY_NUMBER_MISMATCH -> ApiError.SAFETY_NUMBER_MISMATCH;
            case UNKNOWN_PEER -> ApiError.UNKNOWN_PEER;
            case BLOCKED -> ApiError.BLOCKED;
            case RELATION -> ApiError.RELATION;
            case NO_RECIPIENT -> ApiError.NO_RECIPIENT;
            case TOO_LARGE -> ApiError.TOO_LARGE;
            case ID_CONFLICT -> ApiError.ID_CONFLICT;
            case CAPACITY -> ApiError.CAPACITY;
            case COMMIT_TIMEOUT -> ApiError.COMMIT_TIMEOUT;
            case STOPPED -> ApiError.STOPPED;
        };
    }

    /** A body that went past {@link RequestSizeLimit} while it was read (outside JSON reading). */
    @ExceptionHandler(RequestSizeLimit.RequestBodyTooLargeException.class)
    ResponseEntity<Object> handleBodyTooLarge(RequestSizeLimit.RequestBodyTooLargeException e, WebRequest request) {
        return bodyTooLarge(e, request);
    }

    /** Anything unexpected: a 500 that reveals nothing; the log has the stack trace. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception e, WebRequest request) {
        log.error("Unexpected error handling {}", request.getDescription(false), e);
        return handleExceptionInternal(e, problem(ApiError.INTERNAL_ERROR, INTERNAL_DETAIL), new HttpHeaders(),
                HttpStatus.INTERNAL_SERVER_ERROR, request);
    }

    static final String INTERNAL_DETAIL = "The peer failed to handle the request; its log has the details";

    /**
     * Every answer of the base class's handlers passes here: a problem they made themselves (a
     * missing parameter, a 406, ...) gets the type, title and code of its kind, so that no error
     * leaves without them.
     */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (response != null && response.getBody() instanceof ProblemDetail problem
                && (problem.getProperties() == null || !problem.getProperties().containsKey("code"))) {
            // at this level a 400 is a parameter or header the endpoint cannot take, not broken HTTP
            int status = statusCode.value();
            ApiError error = status == HttpStatus.BAD_REQUEST.value() ? ApiError.INVALID_REQUEST
                    : ApiError.forStatus(status).filter(e -> e.status().value() == status).orElse(null);
            if (error == null) {
                problem.setProperty("code", "http-" + status);
            } else {
                problem.setType(error.type());
                problem.setTitle(error.title());
                problem.setProperty("code", error.code());
            }
        }
        return response;
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestSizeLimit.RequestBodyTooLargeException tooLarge) {
                return bodyTooLarge(tooLarge, request);
            }
        }
        if (ex.getCause() instanceof UnrecognizedPropertyException unknown) {
            ProblemDetail body = problem(ApiError.UNKNOWN_PROPERTY, unknownPropertyDetail(unknown));
            body.setProperty("errors", List.of(Map.of("field", path(unknown), "message", "is not a known property")));
            return handleExceptionInternal(ex, body, headers, status, request);
        }
        return handleExceptionInternal(ex, problem(ApiError.UNREADABLE_BODY, unreadableDetail(ex)), headers, status,
                request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (FieldError f : ex.getBindingResult().getFieldErrors()) {
            errors.add(Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage())));
        }
        ex.getBindingResult().getGlobalErrors()
                .forEach(g -> errors.add(Map.of("field", g.getObjectName(), "message", String.valueOf(g.getDefaultMessage()))));
        return invalid(ex, errors, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (ParameterValidationResult result : ex.getParameterValidationResults()) {
            String name = result.getMethodParameter().getParameterName();
            if (result instanceof ParameterErrors bean) {
                for (FieldError f : bean.getFieldErrors()) {
                    errors.add(Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage())));
                }
                continue;
            }
            for (MessageSourceResolvable error : result.getResolvableErrors()) {
                errors.add(Map.of("parameter", String.valueOf(name), "message",
                        error.getDefaultMessage() + " (got " + echo(result.getArgument()) + ")"));
            }
        }
        return invalid(ex, errors, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException m ? m.getName() : ex.getPropertyName();
        String expected = describe(ex.getRequiredType());
        ProblemDetail body = problem(ApiError.INVALID_REQUEST,
                name + " must be " + expected + " (got " + echo(ex.getValue()) + ")");
        body.setProperty("errors", List.of(Map.of("parameter", String.valueOf(name), "message", "must be " + expected)));
        return handleExceptionInternal(ex, body, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ProblemDetail body = problem(ApiError.NO_ENDPOINT,
                "No endpoint " + ex.getHttpMethod() + " /" + ex.getResourcePath()
                        + "; the API is documented at /swagger-ui.html");
        return handleExceptionInternal(ex, body, headers, status, request);
    }

    /**
     * A 405 with {@code Allow}, logged at debug only: the base class logs each one as a WARN, and a
     * client's wrong method is not the peer's problem.
     */
    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Collection<String> allowed = ex.getSupportedMethods() == null ? List.of() : List.of(ex.getSupportedMethods());
        ProblemDetail body = problem(ApiError.METHOD_NOT_ALLOWED, "Method " + ex.getMethod() + " is not supported here"
                + (allowed.isEmpty() ? "" : "; allowed: " + String.join(", ", allowed)));
        log.debug("{}", ex.getMessage());
        return handleExceptionInternal(ex, body, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail body = problem(ApiError.UNSUPPORTED_MEDIA_TYPE, "Content-Type "
                + (ex.getContentType() == null ? "(none)" : ex.getContentType())
                + " is not supported; send application/json");
        return handleExceptionInternal(ex, body, headers, status, request);
    }

    /** 413, and the connection closes: the rest of the body is not read ({@link RequestSizeLimit}). */
    private ResponseEntity<Object> bodyTooLarge(RequestSizeLimit.RequestBodyTooLargeException e, WebRequest request) {
        if (request instanceof ServletWebRequest servlet && servlet.getResponse() != null) {
            RequestSizeLimit.refuse(servlet.getRequest(), servlet.getResponse());
        }
        return handleApi(new ApiException(ApiError.BODY_TOO_LARGE, e.getMessage()), request);
    }

    private ResponseEntity<Object> invalid(Exception ex, List<Map<String, String>> errors, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String detail = errors.stream()
                .map(e -> e.getOrDefault("field", e.get("parameter")) + " " + e.get("message"))
                .sorted()
                .collect(Collectors.joining("; "));
        ProblemDetail body = problem(ApiError.INVALID_REQUEST, detail.isEmpty() ? "Invalid request" : detail);
        body.setProperty("errors", errors);
        return handleExceptionInternal(ex, body, headers, status, request);
    }

    private static String unreadableDetail(HttpMessageNotReadableException ex) {
        Throwable cause = ex.getCause();
        if (cause == null) {
            return "The request body is missing: send a JSON object";
        }
        if (cause instanceof StreamReadException e) {
            TokenStreamLocation at = e.getLocation();
            return "Malformed JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + e.getOriginalMessage();
        }
        if (cause instanceof StrictJson.MalformedTextException e) {
            return "Field '" + path(e) + "' is not valid Unicode: " + e.getOriginalMessage();
        }
        if (cause instanceof MismatchedInputException e) {
            String path = path(e);
            if (path.isEmpty()) {
                // Jackson's wording for DeserializationFeature.FAIL_ON_TRAILING_TOKENS
                return String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")
                        ? "The request body must be one JSON object with nothing after it"
                        : "The request body must be a JSON object";
            }
            return "Field '" + path + "' has the wrong type: expected " + describe(e.getTargetType());
        }
        if (cause instanceof JacksonException e) {
            String path = path(e);
            return "The request body could not be read" + (path.isEmpty() ? "" : " at field '" + path + "'")
                    + ": " + e.getOriginalMessage();
        }
        return "The request body could not be read as JSON";
    }

    private static String unknownPropertyDetail(UnrecognizedPropertyException e) {
        List<String> known = e.getKnownPropertyIds() == null ? List.of()
                : e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
        String at = path(e);
        return "Unknown property '" + at + "'" + (known.isEmpty() ? "" : ": expected one of " + String.join(", ", known));
    }

    private static String path(JacksonException e) {
        StringBuilder b = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!b.isEmpty()) {
                    b.append('.');
                }
                b.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                b.append('[').append(ref.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class) {
            return "an integer";
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of " + List.of(type.getEnumConstants());
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static String echo(Object value) {
        if (value == null) {
            return "nothing";
        }
        String s = String.valueOf(value);
        return "'" + (s.length() > MAX_ECHO ? s.substring(0, MAX_ECHO) + "..." : s) + "'";
    }
}
