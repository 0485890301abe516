package io.peerlink.api;

import io.peerlink.config.PeerlinkProperties;
import io.peerlink.connection.PeerConnectionException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Refuses a message body far larger than any allowed message could need (every text byte written as
 * a six-character JSON escape, plus room for the other fields) before it is read: 413 instead of
 * buffering an arbitrarily large body. The exact limit on the text is checked by the service.
 */
@Configuration(proxyBeanMethods = false)
class RequestSizeLimit implements WebMvcConfigurer {

    static final int JSON_ESCAPE_FACTOR = 6;
    static final int ENVELOPE_BYTES = 4096;

    private final long maxMessageBytes;

    RequestSizeLimit(PeerlinkProperties properties) {
        this.maxMessageBytes = properties.maxMessageBytes().toBytes();
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        long maxBody = maxMessageBytes * JSON_ESCAPE_FACTOR + ENVELOPE_BYTES;
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                long length = request.getContentLengthLong();
                if (length > maxBody) {
                    throw new PeerConnectionException(PeerConnectionException.Kind.TOO_LARGE, "the request body is "
                            + length + " bytes; a message holds at most " + maxMessageBytes + " bytes of UTF-8 text");
                }
                return true;
            }
        }).addPathPatterns("/api/**");
    }
}
