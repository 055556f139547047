package io.tollgate.platform.internal;

import io.tollgate.platform.ApiError;
import io.tollgate.platform.Envelope;
import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat answers some requests before Spring sees them: a request line with characters it refuses
 * ({ } | [ ] " raw in the URL), headers over its 8 KB limit, an encoded NUL in the path. Its own
 * error report is an HTML page; this one writes the JSON error envelope instead, for every error
 * Tomcat reports itself.
 */
class EnvelopeErrorValve extends ErrorReportValve {
    private final JsonMapper json;

    EnvelopeErrorValve(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void report(Request request, Response response, Throwable failure) {
        int status = response.getStatus();
        // As the standard valve: only errors, only when nothing was written, only once.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) return;
        ApiError error = switch (status) {
            case 400 -> new ApiError("VALIDATION_FAILED", "The request is malformed (request line, URL characters or headers)");
            case 404 -> new ApiError("NOT_FOUND", "No such endpoint");
            case 413 -> new ApiError("PAYLOAD_TOO_LARGE", "Request body is too large");
            case 414 -> new ApiError("URI_TOO_LONG", "The URL is too long");
            case 431 -> new ApiError("HEADERS_TOO_LARGE", "The request headers are too large");
            default -> status >= 500 ? new ApiError("INTERNAL_ERROR", "Something went wrong on our side")
                    : new ApiError("REQUEST_REJECTED", "The request cannot be processed");
        };
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            String requestId = RequestIdFilter.newId();
            response.setHeader(RequestIdFilter.HEADER, requestId);
            Writer writer = response.getReporter();
            if (writer == null) return; // something was already written
            writer.write(json.writeValueAsString(Envelope.error(error, requestId)));
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The client went away or the response cannot be written; nothing more to tell it.
        }
    }

    /** Puts the valve on Tomcat's host in place of the HTML one (the host asks for an ErrorReportValve by class). */
    @Component
    static class Installer implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {
        private final JsonMapper json;

        Installer(JsonMapper json) {
            this.json = json;
        }

        @Override
        public void customize(ConfigurableTomcatWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                var host = (org.apache.catalina.core.StandardHost) context.getParent();
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve && !(valve instanceof EnvelopeErrorValve)) host.getPipeline().removeValve(valve);
                }
                host.setErrorReportValveClass(EnvelopeErrorValve.class.getName());
                host.getPipeline().addValve(new EnvelopeErrorValve(json));
            });
        }

        @Override
        public int getOrder() {
            // After Spring Boot's own customizer, which adds the standard valve.
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
