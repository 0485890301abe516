package io.peerlink.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * The first check of every HTTP request, ahead of Spring Security and everything else: the API
 * belongs to the user, not to the web pages the user visits.
 * <ol>
 *   <li><b>Host</b> (DNS rebinding): the request's host (from {@code Host}, or from an absolute
 *       request target) must be a loopback address ({@code 127.0.0.0/8}, {@code ::1}),
 *       {@code localhost}, the address the API is bound to ({@code server.address}; when that is every
 *       interface, any address of this machine's interfaces), or a name in
 *       {@code peerlink.api.allowed-hosts}. Anything else is answered {@code 421 Misdirected Request}:
 *       a page whose own name was made to resolve to this machine sends its name as the host, so it is
 *       refused before it reads or changes anything. The port is not compared.
 *   <li><b>Origin</b> (cross-site requests): a request that may change something (any method but
 *       {@code GET}, {@code HEAD} and {@code OPTIONS}) whose {@code Origin} header is present and not
 *       this API's own origin (same scheme, host and port as the request) is answered {@code 403}. A
 *       browser sends {@code Origin} with every such request; the chat page's are same-origin. A client
 *       that sends no {@code Origin} (curl, scripts) is not a web page and passes.
 * </ol>
 * Both answers are {@code application/problem+json} with a {@code code} ({@link ApiError#MISDIRECTED_REQUEST},
 * {@link ApiError#CROSS_ORIGIN}), rendered by {@link ApiExceptionHandler}; nothing of the request
 * (host, origin) is echoed, and each refusal is logged at DEBUG only (a page may send many).
 *
 * <p>Thread-safe: immutable after construction. Cost per request: a header or two and a few string
 * comparisons; only a host that is an IP address not on loopback, with the API bound to every
 * interface, looks the interfaces up.
 */
final class HostAndOriginFilter extends OncePerRequestFilter {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private static final Logger log = LoggerFactory.getLogger(HostAndOriginFilter.class);

    private final ApiBinding binding;
    private final List<String> allowedHosts;
    private final List<InetAddress> allowedAddresses;
    private final HandlerExceptionResolver exceptionResolver;

    HostAndOriginFilter(ApiBinding binding, ApiProperties properties, HandlerExceptionResolver exceptionResolver) {
        this.binding = binding;
        this.allowedHosts = properties.normalizedAllowedHosts();
        this.allowedAddresses = allowedHosts.stream().map(HostAndOriginFilter::literal)
                .filter(Objects::nonNull).toList();
        this.exceptionResolver = exceptionResolver;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!isAllowedHost(request.getServerName())) {
            log.debug("421 for {} {}: the Host names none of this API's hosts", request.getMethod(),
                    request.getRequestURI());
            refuse(request, response, misdirected());
            return;
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !SAFE_METHODS.contains(request.getMethod()) && !isSameOrigin(origin, request)) {
            log.debug("403 for {} {}: Origin is another site", request.getMethod(), request.getRequestURI());
            refuse(request, response, crossOrigin());
            return;
        }
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, ApiException refusal)
            throws IOException {
        if (exceptionResolver.resolveException(request, response, null, refusal) == null) {
            response.sendError(refusal.error().status().value());
        }
    }

    boolean isAllowedHost(String serverName) {
        if (serverName == null || serverName.isEmpty()) {
            return false;
        }
        String host = ApiProperties.normalize(serverName);
        if (host.equals("localhost") || allowedHosts.contains(host)
                || (!binding.everyInterface() && host.equals(binding.normalizedAddress()))) {
            return true;
        }
        InetAddress literal = literal(host);
        if (literal == null) {
            return false;
        }
        if (literal.isLoopbackAddress() || allowedAddresses.contains(literal)
                || (!binding.everyInterface() && literal.equals(binding.resolved()))) {
            return true;
        }
        return binding.everyInterface() && isOnThisMachine(literal);
    }

    /** The address an IP literal names, or null for a name (no DNS lookup either way). */
    private static InetAddress literal(String host) {
        if (host.isEmpty() || !(Character.digit(host.charAt(0), 16) >= 0 || host.charAt(0) == ':')) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isOnThisMachine(InetAddress address) {
        try {
            return !address.isAnyLocalAddress() && NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** Same scheme, host and port as the request (RFC 6454), the port filled in from the scheme. */
    static boolean isSameOrigin(String origin, HttpServletRequest request) {
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (URISyntaxException e) {
            return false;   // "null" (an opaque origin) parses to no scheme and fails below
        }
        String scheme = uri.getScheme();
        String host = uri.getHost();
        if (scheme == null || host == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
            return false;
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        return scheme.equalsIgnoreCase(request.getScheme())
                && ApiProperties.normalize(host).equals(ApiProperties.normalize(request.getServerName()))
                && port == request.getServerPort();
    }

    /** 421: the request names a host this API does not answer for. */
    static ApiException misdirected() {
        return new ApiException(ApiError.MISDIRECTED_REQUEST, "This peer's API answers only "
                + "requests for a loopback address, localhost, the address it listens on, or a name in "
                + "peerlink.api.allowed-hosts (PEERLINK_API_ALLOWED_HOSTS); this request's Host is none of them");
    }

    /** 403: a request that changes something, sent by a page of another origin. */
    static ApiException crossOrigin() {
        return new ApiException(ApiError.CROSS_ORIGIN, "This request comes from a web "
                + "page of another origin (its Origin header is not this API's own): only this peer's own "
                + "page, and clients that send no Origin, may change anything here");
    }
}
