package io.peerlink.api;

import io.peerlink.transport.PeerConnectionException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

/**
 * Turns every error of the REST API into an RFC 9457 {@code application/problem+json} body whose
 * {@code detail} says what was wrong. Peer errors carry a machine-readable {@code code}; validation
 * errors list each offending field or parameter in {@code errors}. Request text is never echoed
 * into a problem, and nothing here logs message content.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    private static final int MAX_ECHO = 80;

    @ExceptionHandler(PeerConnectionException.class)
    ResponseEntity<Object> handlePeerConnection(PeerConnectionException e, WebRequest request) {
        HttpStatus status = switch (e.kind()) {
            case UNREACHABLE, HANDSHAKE_FAILED -> HttpStatus.BAD_GATEWAY;
            case FINGERPRINT_MISMATCH, KEY_CHANGED, NO_RECIPIENT, ID_CONFLICT, ALIAS_TAKEN, SAFETY_NUMBER_MISMATCH,
                    BLOCKED, RELATION ->
                    HttpStatus.CONFLICT;
            case SELF, INVALID -> HttpStatus.BAD_REQUEST;
            case UNKNOWN_PEER -> HttpStatus.NOT_FOUND;
            case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case CAPACITY, STOPPED -> HttpStatus.SERVICE_UNAVAILABLE;
        };
        String title = switch (e.kind()) {
            case UNREACHABLE -> "Peer unreachable";
            case HANDSHAKE_FAILED -> "Handshake failed";
            case FINGERPRINT_MISMATCH -> "Fingerprint mismatch";
            case KEY_CHANGED -> "Key changed";
            case SELF -> "That is this peer";
            case INVALID -> "Invalid request";
            case ALIAS_TAKEN -> "Alias taken";
            case SAFETY_NUMBER_MISMATCH -> "Safety number mismatch";
            case UNKNOWN_PEER -> "Unknown peer";
            case BLOCKED -> "Peer blocked";
            case RELATION -> "Not possible for this peer's relation";
            case NO_RECIPIENT -> "No recipient";
            case ID_CONFLICT -> "Message id already used";
            case TOO_LARGE -> "Message too large";
            case CAPACITY -> "At capacity";
            case STOPPED -> "Peer service stopped";
        };
        log.debug("{} ({}): {}", title, status.value(), e.getMessage());
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        body.setTitle(title);
        body.setProperty("code", e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        HttpHeaders headers = new HttpHeaders();
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            headers.set(HttpHeaders.RETRY_AFTER, "5");
        }
        return handleExceptionInternal(e, body, headers, status, request);
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
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The peer failed to handle the request; its log has the details");
        return handleExceptionInternal(e, body, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestSizeLimit.RequestBodyTooLargeException tooLarge) {
                return bodyTooLarge(tooLarge, request);
            }
        }
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, unreadableDetail(ex));
        body.setTitle("Unreadable request body");
        return handleExceptionInternal(ex, body, headers, status, request);
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
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status,
                name + " must be " + expected + " (got " + echo(ex.getValue()) + ")");
        body.setTitle("Invalid parameter");
        body.setProperty("errors", List.of(Map.of("parameter", String.valueOf(name), "message", "must be " + expected)));
        return handleExceptionInternal(ex, body, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status,
                "No endpoint " + ex.getHttpMethod() + " /" + ex.getResourcePath()
                        + "; the API is documented at /swagger-ui.html");
        return handleExceptionInternal(ex, body, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Collection<String> allowed = ex.getSupportedMethods() == null ? List.of() : List.of(ex.getSupportedMethods());
        ex.getBody().setDetail("Method " + ex.getMethod() + " is not supported here"
                + (allowed.isEmpty() ? "" : "; allowed: " + String.join(", ", allowed)));
        return super.handleHttpRequestMethodNotSupported(ex, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ex.getBody().setDetail("Content-Type " + (ex.getContentType() == null ? "(none)" : ex.getContentType())
                + " is not supported; send application/json");
        return super.handleHttpMediaTypeNotSupported(ex, headers, status, request);
    }

    /** 413, and the connection closes: the rest of the body is not read ({@link RequestSizeLimit}). */
    private ResponseEntity<Object> bodyTooLarge(RequestSizeLimit.RequestBodyTooLargeException e, WebRequest request) {
        if (request instanceof ServletWebRequest servlet && servlet.getResponse() != null) {
            RequestSizeLimit.refuse(servlet.getRequest(), servlet.getResponse());
        }
        return handlePeerConnection(
                new PeerConnectionException(PeerConnectionException.Kind.TOO_LARGE, e.getMessage()), request);
    }

    private ResponseEntity<Object> invalid(Exception ex, List<Map<String, String>> errors, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String detail = errors.stream()
                .map(e -> e.getOrDefault("field", e.get("parameter")) + " " + e.get("message"))
                .sorted()
                .collect(Collectors.joining("; "));
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail.isEmpty() ? "Invalid request" : detail);
        body.setTitle("Invalid request");
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
