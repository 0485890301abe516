package io.peerlink.api;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * Errors that Tomcat answers itself, before a request reaches Spring, as
 * {@code application/problem+json} instead of Tomcat's HTML page: a path with an encoded
 * {@code /} ({@code %2F}) or {@code \} ({@code %5C}), a broken escape ({@code %ZZ}), a
 * malformed request line or header, {@code TRACE}, and the like. Everything that reaches the
 * application is answered by {@link ApiExceptionHandler} or, for {@code sendError}, by
 * {@link ProblemErrorController}; this valve only writes a body when nothing else did.
 *
 * <p>Spring Boot puts a plain {@link ErrorReportValve} on the host (without stack trace and server
 * version); this replaces it with {@link ProblemErrorReportValve}, which reveals no more. The
 * problem has the title, code and type of the status's {@link ApiError} kind.
 *
 * <p>It stays only because Spring Boot does not yet render container errors as problem details
 * (spring-boot#43850, https://github.com/spring-projects/spring-boot/issues/43850).
 */
@Configuration(proxyBeanMethods = false)
class ContainerErrorReports {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
        return new WebServerFactoryCustomizer<>() {
            @Override
            public void customize(TomcatServletWebServerFactory factory) {
                factory.addContextCustomizers(context -> {
                    Host host = (Host) context.getParent();
                    for (Valve valve : host.getPipeline().getValves()) {
                        if (valve instanceof ErrorReportValve) {
                            host.getPipeline().removeValve(valve);
                        }
                    }
                    host.getPipeline().addValve(new ProblemErrorReportValve());
                    if (host instanceof StandardHost standard) {
                        // the host adds an error report valve at start unless one of this class is there
                        standard.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                    }
                });
            }
        };
    }

    /** Tomcat's error report as an RFC 9457 problem: status, its phrase, and nothing from the request. */
    public static final class ProblemErrorReportValve extends ErrorReportValve {

        public ProblemErrorReportValve() {
            setShowReport(false);
            setShowServerInfo(false);
        }

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            // as ErrorReportValve: only an error, only when nothing was written, only once
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            try {
                response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                response.setCharacterEncoding("UTF-8");
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(problem(status));
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // the client is gone or the response cannot take a body: nothing more to do
            }
        }

        static String problem(int status) {
            HttpStatus known = HttpStatus.resolve(status);
            ApiError error = ApiError.forStatus(status).filter(e -> e.status().value() == status).orElse(null);
            String phrase = known == null ? "Error" : known.getReasonPhrase();
            String detail = status >= 500 ? ApiExceptionHandler.INTERNAL_DETAIL
                    : status == 400 ? "The server refused the request before it reached the API: it is not valid HTTP, "
                            + "or its path has an encoded '/' or '\\', or an invalid %-escape"
                    : phrase;
            String type = error == null ? "about:blank" : error.type().toString();
            String title = error == null ? phrase : error.title();
            return "{\"type\":\"" + quote(type) + "\",\"title\":\"" + quote(title) + "\",\"status\":" + status
                    + ",\"detail\":\"" + quote(detail) + "\""
                    + ",\"code\":\"" + (error == null ? "http-" + status : error.code()) + "\"}";
        }

        private static String quote(String s) {
            return new String(JsonStringEncoder.getInstance().quoteAsCharArray(s));
        }
    }
}
