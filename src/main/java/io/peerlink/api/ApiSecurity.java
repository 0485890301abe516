package io.peerlink.api;

import io.peerlink.config.PeerlinkProperties;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.header.writers.ContentSecurityPolicyHeaderWriter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Who may call the HTTP API. First of all, {@link HostAndOriginFilter} refuses requests for another
 * host (421) and changes sent by pages of another origin (403). Then, with {@code peerlink.api-token}
 * set (or generated, {@link ApiToken}), every request needs {@code Authorization: Bearer <token>},
 * except:
 * <ul>
 *   <li>{@code /actuator/health} and below: probes and the container health check carry no token;
 *       without it they get the status only ({@code show-details: when-authorized}), no components;
 *   <li>the Swagger UI shell ({@code /swagger-ui.html}, {@code /swagger-ui/**}) and the OpenAPI
 *       document ({@code /v3/api-docs/**}): Swagger UI cannot render without the document, and the
 *       document describes the API without any of its data; the calls made from Swagger UI need the
 *       token (its Authorize button);
 *   <li>{@code GET} of the web page's static files ({@code /}, {@code /index.html}, {@code /app/**},
 *       {@code /favicon.ico}), so that the page can load and then ask for the token.
 * </ul>
 * Anything else, also paths that do not exist, {@code /actuator/prometheus} and
 * {@code /actuator/metrics}, answers 401 {@code application/problem+json} with
 * {@code WWW-Authenticate: Bearer}. Matching is deny-by-default: an odd spelling of a path
 * ({@code /%61pi/...}, {@code //api}) matches none of the open patterns and so needs the token.
 *
 * <p>Stateless: no session, no CSRF protection (no cookie or other ambient credential is accepted,
 * so there is nothing to forge), no login form, no HTTP Basic, no generated user. Async dispatches
 * (long polls, Server-Sent Events) and error dispatches are let through: the container makes them
 * only for a request that has already passed this check, and an error dispatch renders nothing but
 * the status.
 *
 * <p>Without a token the API must listen on loopback only ({@code server.address}, 127.0.0.1 by
 * default): anything else stops start-up ({@link ApiExposedException}, explained by
 * {@link ApiExposureFailureAnalyzer}). Every request is then the user's, health details included.
 *
 * <p>Headers: Spring Security's defaults on every response ({@code X-Content-Type-Options: nosniff},
 * {@code X-Frame-Options: DENY}, no caching), and on the web page's files a Content-Security-Policy
 * that lets the page load scripts, styles, images and connections from this origin only: no inline
 * script or style, no {@code eval}, no plug-ins, no other site framing it. Swagger UI keeps its own
 * rules (it needs inline styles and data: images), so the policy is not set on its files.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiProperties.class)
class ApiSecurity {

    static final String[] OPEN_PATHS = {"/actuator/health", "/actuator/health/**", "/swagger-ui.html", "/swagger-ui/**",
        "/v3/api-docs", "/v3/api-docs/**"};
    static final String[] OPEN_PAGE_ASSETS = {"/", "/index.html", "/app/**", "/favicon.ico"};
    /** Before everything: Spring Security (-100), the body limit, the request's observation. */
    static final int HOST_AND_ORIGIN_ORDER = Ordered.HIGHEST_PRECEDENCE;
    static final String PAGE_CONTENT_SECURITY_POLICY =
            "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Bean
    SecurityFilterChain apiSecurityFilterChain(HttpSecurity http, PeerlinkProperties properties,
            Environment environment,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver exceptionResolver) throws Exception {
        http.csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .headers(headers -> headers.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                        pageAssets(), new ContentSecurityPolicyHeaderWriter(PAGE_CONTENT_SECURITY_POLICY))));
        String token = ApiToken.resolve(properties);
        if (token == null) {
            ApiBinding binding = ApiBinding.of(environment);
            if (!binding.loopbackOnly()) {
                throw new ApiExposedException(binding);
            }
            // loopback only: whoever calls is a process of this machine, i.e. the user
            return http.addFilterBefore(new LocalUserFilter(), AnonymousAuthenticationFilter.class)
                    .authorizeHttpRequests(authorize -> authorize.anyRequest().permitAll())
                    .build();
        }
        return http
                .addFilterBefore(new BearerTokenFilter(token), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(authorize -> authorize
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers(OPEN_PATHS).permitAll()
                        .requestMatchers(HttpMethod.GET, OPEN_PAGE_ASSETS).permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(new ProblemEntryPoint(exceptionResolver))
                        // authenticated is all there is: no request can be forbidden, but keep the answer a problem
                        .accessDeniedHandler((request, response, denied) ->
                                exceptionResolver.resolveException(request, response, null,
                                        new ApiException(ApiError.FORBIDDEN, "This request is not allowed"))))
                .build();
    }

    /** The Host and Origin checks ({@link HostAndOriginFilter}), first of all filters. */
    @Bean
    FilterRegistrationBean<HostAndOriginFilter> hostAndOriginCheck(ApiProperties apiProperties, Environment environment,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver exceptionResolver) {
        var registration = new FilterRegistrationBean<>(
                new HostAndOriginFilter(ApiBinding.of(environment), apiProperties, exceptionResolver));
        registration.setOrder(HOST_AND_ORIGIN_ORDER);
        return registration;
    }

    /** The web page's files, whatever the method. */
    static RequestMatcher pageAssets() {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(Arrays.stream(OPEN_PAGE_ASSETS).<RequestMatcher>map(paths::matcher).toList());
    }

    /**
     * Spring Security's request firewall as it comes, except that it lets a doubled slash through
     * ({@code //api//identity}): Tomcat and Spring MVC collapse it when they route, and since the
     * rules above are deny-by-default, a doubled slash can only make a request need the token, never
     * skip it. So such a request gets the same 401 as any other without a token, not a 400.
     * Everything else the firewall refuses ({@code ;}, encoded dots, control characters, ...) is a
     * 400 problem.
     */
    @Bean
    WebSecurityCustomizer requestFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowUrlEncodedDoubleSlash(true);
        return web -> web.httpFirewall(firewall);
    }

    /**
     * No observations of Spring Security's own: without this bean every request runs each filter of
     * the chain inside an observation of its own, and the authorization decision in another (in the
     * REST bench's profile that was about a tenth of a request's CPU). The request as a whole is
     * still observed and timed ({@code http.server.requests}, by the server's observation filter),
     * and the token check is the same filter as before.
     */
    @Bean
    SecurityObservationSettings noSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * There are no users: the bearer token is the only credential. Declaring this keeps Spring Boot
     * from creating a user with a generated password (and printing that password at start-up).
     */
    @Bean
    AuthenticationManager noUsers() {
        return authentication -> {
            throw new ProviderNotFoundException("peerlink has no users; its API takes a bearer token");
        };
    }

    /**
     * Authenticates a request that carries {@code Authorization: Bearer <token>} with the right token
     * and leaves any other request anonymous, for the authorization rules to decide. The token is
     * compared with {@link MessageDigest#isEqual}, expected token first: its running time depends
     * only on the length of the expected token, never on what the client sent. The token is never
     * logged. Cost per request: one header lookup, one small byte array, one comparison.
     */
    static final class BearerTokenFilter extends OncePerRequestFilter {

        private static final String BEARER = "Bearer ";
        /** One immutable authentication, shared by every request with the right token. */
        static final Authentication API_CLIENT =
                UsernamePasswordAuthenticationToken.authenticated("api-client", null, List.of());

        private final byte[] expected;
        private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

        BearerTokenFilter(String token) {
            this.expected = token.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (hasValidToken(request.getHeader(HttpHeaders.AUTHORIZATION))) {
                var context = contexts.createEmptyContext();
                context.setAuthentication(API_CLIENT);
                contexts.setContext(context);
            }
            chain.doFilter(request, response);
        }

        boolean hasValidToken(String header) {
            if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                return false;
            }
            byte[] given = header.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
            return MessageDigest.isEqual(expected, given);
        }
    }

    /**
     * Without a token (so on loopback only): every request is the user's, authenticated as the token
     * holder would be, so that health shows its details ({@code show-details: when-authorized}).
     */
    static final class LocalUserFilter extends OncePerRequestFilter {

        private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            var context = contexts.createEmptyContext();
            context.setAuthentication(BearerTokenFilter.API_CLIENT);
            contexts.setContext(context);
            chain.doFilter(request, response);
        }
    }

    /** The 401, rendered like every other error through {@link ApiExceptionHandler}. */
    private record ProblemEntryPoint(HandlerExceptionResolver exceptionResolver) implements AuthenticationEntryPoint {

        @Override
        public void commence(HttpServletRequest request, HttpServletResponse response,
                org.springframework.security.core.AuthenticationException authException) throws IOException {
            var rejection = new Unauthorized(request.getHeader(HttpHeaders.AUTHORIZATION) != null);
            if (exceptionResolver.resolveException(request, response, null, rejection) == null) {
                response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
                response.sendError(HttpStatus.UNAUTHORIZED.value());
            }
        }
    }

    /** Missing or wrong token: 401 with {@code WWW-Authenticate: Bearer} (RFC 6750). */
    static final class Unauthorized extends ApiException {

        Unauthorized(boolean tokenGiven) {
            super(ApiError.UNAUTHORIZED, tokenGiven ? "The bearer token is not valid"
                    : "This API needs an Authorization: Bearer <token> header (the peer's peerlink.api-token)");
            withHeader(HttpHeaders.WWW_AUTHENTICATE, tokenGiven ? "Bearer error=\"invalid_token\"" : "Bearer");
        }
    }
}
