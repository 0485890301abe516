package io.peerlink.api;

import io.peerlink.config.PeerlinkProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Caps every request body at what the largest allowed message could need (every text byte written
 * as a six-character JSON escape, plus room for the other fields), and enforces the cap while the
 * body streams:
 * <ul>
 *   <li>a {@code Content-Length} over the cap is answered 413 before a byte of the body is read;
 *   <li>a body without a length (chunked) is counted as it is read; the read that would pass the cap
 *       fails with {@link RequestBodyTooLargeException}, which {@link ApiExceptionHandler} answers
 *       413. The rest of the body is never read by the application.
 * </ul>
 * After any 413 Tomcat closes the connection at once instead of draining the rest of the body
 * ({@link CloseAfterTooLarge}): it would otherwise read up to {@code server.tomcat.max-swallow-size}
 * (2 MB) more and wait for a client that may never send it. The exact limit on the text is checked
 * by the service.
 */
@Configuration(proxyBeanMethods = false)
class RequestSizeLimit {

    static final int JSON_ESCAPE_FACTOR = 6;
    static final int ENVELOPE_BYTES = 4096;
    /** Before Spring Security (-100) and anything else that might read the body. */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    static long maxBodyBytes(PeerlinkProperties properties) {
        return properties.maxMessageBytes().toBytes() * JSON_ESCAPE_FACTOR + ENVELOPE_BYTES;
    }

    @Bean
    FilterRegistrationBean<BodyLimitFilter> requestBodyLimit(PeerlinkProperties properties,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver exceptionResolver) {
        var registration = new FilterRegistrationBean<>(new BodyLimitFilter(maxBodyBytes(properties),
                properties.maxMessageBytes().toBytes(), exceptionResolver));
        registration.setOrder(ORDER);
        return registration;
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> closeAfterTooLarge() {
        return factory -> factory.addContextValves(new CloseAfterTooLarge());
    }

    /**
     * Tells Tomcat not to read the rest of a body refused by this limit (marked {@link #REFUSED})
     * but to close the connection once the answer is out, what Tomcat itself does for an oversized
     * upload. The answer carries {@code Connection: close}, so it ends with the connection, not with
     * a last chunk that a closing connection could cut off. Other 413s (a text over the limit in a
     * body that was read whole) keep their connection.
     */
    static final class CloseAfterTooLarge extends ValveBase {

        CloseAfterTooLarge() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            getNext().invoke(request, response);
            if (request.getAttribute(REFUSED) != null) {
                request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
                // the action flags the response as an error: it is answered already, no error page
                response.setErrorReported();
            }
        }
    }

    /** Request attribute set when this limit refused the body; the rest of it is not to be read. */
    static final String REFUSED = RequestSizeLimit.class.getName() + ".REFUSED";

    /** Marks the request refused and its answer as the last on the connection. */
    static void refuse(HttpServletRequest request, HttpServletResponse response) {
        request.setAttribute(REFUSED, Boolean.TRUE);
        response.setHeader(HttpHeaders.CONNECTION, "close");
    }

    static final class BodyLimitFilter extends OncePerRequestFilter {

        private final long maxBody;
        private final long maxMessageBytes;
        private final HandlerExceptionResolver exceptionResolver;

        BodyLimitFilter(long maxBody, long maxMessageBytes, HandlerExceptionResolver exceptionResolver) {
            this.maxBody = maxBody;
            this.maxMessageBytes = maxMessageBytes;
            this.exceptionResolver = exceptionResolver;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            long length = request.getContentLengthLong();
            if (length > maxBody) {
                refuse(request, response);
                var tooLarge = new ApiException(ApiError.BODY_TOO_LARGE, "the request body is "
                        + length + " bytes, over the limit of " + maxBody + " bytes; a message holds at most "
                        + maxMessageBytes + " bytes of UTF-8 text");
                if (exceptionResolver.resolveException(request, response, null, tooLarge) == null) {
                    response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
                }
                return;
            }
            // With a Content-Length the container delivers no more than that; without one (chunked) count.
            chain.doFilter(length < 0 ? new LimitedRequest(request, maxBody, maxMessageBytes) : request, response);
        }
    }

    /** A request whose body, however it is read, stops with an exception past {@code maxBody} bytes. */
    private static final class LimitedRequest extends HttpServletRequestWrapper {

        private final long maxBody;
        private final long maxMessageBytes;
        private LimitedInputStream stream;
        private BufferedReader reader;

        LimitedRequest(HttpServletRequest request, long maxBody, long maxMessageBytes) {
            super(request);
            this.maxBody = maxBody;
            this.maxMessageBytes = maxMessageBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (reader != null) {
                throw new IllegalStateException("getReader() has already been called for this request");
            }
            return stream();
        }

        @Override
        public BufferedReader getReader() throws IOException {
            if (reader == null) {
                if (stream != null) {
                    throw new IllegalStateException("getInputStream() has already been called for this request");
                }
                String encoding = getCharacterEncoding();
                Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
                reader = new BufferedReader(new InputStreamReader(stream(), charset));
            }
            return reader;
        }

        private LimitedInputStream stream() throws IOException {
            if (stream == null) {
                stream = new LimitedInputStream(super.getInputStream(), maxBody, maxMessageBytes);
            }
            return stream;
        }
    }

    /** Counts what is read and refuses to read past the limit: at most one byte more is ever taken. */
    private static final class LimitedInputStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long max;
        private final long maxMessageBytes;
        private long total;

        LimitedInputStream(ServletInputStream in, long max, long maxMessageBytes) {
            this.in = in;
            this.max = max;
            this.maxMessageBytes = maxMessageBytes;
        }

        @Override
        public int read() throws IOException {
            checkNotOver();
            int b = in.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            checkNotOver();
            // never ask for more than one byte beyond the limit
            int n = in.read(b, off, (int) Math.min(len, max - total + 1));
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void checkNotOver() throws RequestBodyTooLargeException {
            if (total > max) {
                throw tooLarge();
            }
        }

        private void counted(int n) throws RequestBodyTooLargeException {
            total += n;
            if (total > max) {
                throw tooLarge();
            }
        }

        private RequestBodyTooLargeException tooLarge() {
            return new RequestBodyTooLargeException("the request body is over the limit of " + max
                    + " bytes; a message holds at most " + maxMessageBytes + " bytes of UTF-8 text");
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A body longer than the limit; thrown by the read that would go past it. */
    static final class RequestBodyTooLargeException extends IOException {

        RequestBodyTooLargeException(String message) {
            super(message);
        }
    }
}
