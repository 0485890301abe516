package io.peerlink.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * Security headers. Every response says {@code X-Content-Type-Options: nosniff}. The chat page's
 * files ({@code /}, {@code /index.html}, {@code /app/**}, {@code /favicon.ico}) also carry a
 * Content-Security-Policy that allows scripts, styles, images and connections from this origin only:
 * no inline script or style, no {@code eval}, no plug-ins, no other site framing the page. Swagger UI
 * keeps its own rules (it needs inline styles), so the policy is not set on its pages.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageHeaders extends OncePerRequestFilter {

    static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (isPage(UrlPathHelper.defaultInstance.getPathWithinApplication(request))) {
            response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            response.setHeader("Referrer-Policy", "no-referrer");
        }
        chain.doFilter(request, response);
    }

    static boolean isPage(String path) {
        return path.equals("/") || path.equals("/index.html") || path.equals("/favicon.ico")
                || path.startsWith("/app/");
    }
}
