package io.peerlink.api;

import io.peerlink.config.PeerlinkProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.util.UrlPathHelper;

/**
 * With {@code peerlink.api-token} set, lets a request to {@code /api/**} through only with
 * {@code Authorization: Bearer <token>}; anything else gets a 401 problem with
 * {@code WWW-Authenticate: Bearer}. Health, Swagger UI and the OpenAPI document are outside
 * {@code /api} and stay open.
 *
 * <p>The token is compared as SHA-256 digests with {@link MessageDigest#isEqual}: constant time, and
 * the length of the token does not leak either. The token is never logged.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class ApiTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final byte[] expected;
    private final HandlerExceptionResolver exceptionResolver;

    ApiTokenFilter(PeerlinkProperties properties,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver exceptionResolver) {
        this.expected = properties.apiTokenEnabled() ? sha256(properties.apiToken()) : null;
        this.exceptionResolver = exceptionResolver;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return expected == null || !isApiPath(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && MessageDigest.isEqual(expected, sha256(header.substring(BEARER.length()).strip()))) {
            chain.doFilter(request, response);
            return;
        }
        var rejection = new Unauthorized(header != null);
        // the same ProblemDetail rendering as every other error, through the MVC exception handling
        if (exceptionResolver.resolveException(request, response, null, rejection) == null) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            response.sendError(HttpStatus.UNAUTHORIZED.value());
        }
    }

    /**
     * Whether the request is for {@code /api/**}, judged on the container's decoded and normalised
     * servlet path and on the decoded request URI (what Spring MVC matches), so that
     * {@code /%61pi/...} or {@code //api/...} do not slip past.
     */
    static boolean isApiPath(HttpServletRequest request) {
        String servletPath = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        return isApiPath(servletPath) || isApiPath(UrlPathHelper.defaultInstance.getPathWithinApplication(request));
    }

    private static boolean isApiPath(String path) {
        String p = path.replaceAll("/{2,}", "/").toLowerCase(Locale.ROOT);
        return p.equals("/api") || p.startsWith("/api/") || p.startsWith("/api;");
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The 401, rendered by {@link ApiExceptionHandler} like every {@link ErrorResponseException}. */
    static final class Unauthorized extends ErrorResponseException {

        Unauthorized(boolean tokenGiven) {
            super(HttpStatus.UNAUTHORIZED, problem(tokenGiven), null);
            getHeaders().set(HttpHeaders.WWW_AUTHENTICATE,
                    tokenGiven ? "Bearer error=\"invalid_token\"" : "Bearer");
        }

        private static ProblemDetail problem(boolean tokenGiven) {
            ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, tokenGiven
                    ? "The bearer token is not valid"
                    : "This API needs an Authorization: Bearer <token> header (the peer's peerlink.api-token)");
            p.setTitle("Unauthorized");
            return p;
        }
    }
}
