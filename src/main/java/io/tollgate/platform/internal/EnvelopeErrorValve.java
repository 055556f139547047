package io.tollgate.platform.internal;

import io.tollgate.platform.ApiError;
import io.tollgate.platform.ClientAddresses;
import io.tollgate.platform.Envelope;
import java.io.IOException;
import java.io.Writer;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat answers some requests before Spring sees them: a request line with characters it refuses
 * ({ } | [ ] " raw in the URL), headers over its 8 KB limit, an encoded NUL in the path. Its own
 * error report is an HTML page; this one writes the JSON error envelope instead, for every error
 * Tomcat reports itself. Each such refusal is one WARN line in the log (Tomcat's own INFO line with a
 * stack trace is turned off in application.properties): at most one a second, the next one saying how
 * many were not logged meanwhile, so a flood of malformed requests cannot flood the log.
 */
class EnvelopeErrorValve extends ErrorReportValve {
    private static final Logger log = LoggerFactory.getLogger(EnvelopeErrorValve.class);
    private static final long LOG_INTERVAL_MILLIS = 1_000;
    private static final Set<Integer> CONNECTOR_REFUSALS = Set.of(400, 413, 414, 431, 501, 505);
    private final JsonMapper json;
    private final ClientAddresses clientAddresses;
    private final AtomicLong lastLoggedMillis = new AtomicLong();
    private final AtomicLong notLogged = new AtomicLong();

    EnvelopeErrorValve(JsonMapper json, ClientAddresses clientAddresses) {
        this.json = json;
        this.clientAddresses = clientAddresses;
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
        logRefusal(request, status, failure);
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

    private void logRefusal(Request request, int status, Throwable failure) {
        // The connector's own refusals; other statuses reach here only for answers without a body (HEAD).
        if (!CONNECTOR_REFUSALS.contains(status)) return;
        long now = System.currentTimeMillis();
        long last = lastLoggedMillis.get();
        if (now - last < LOG_INTERVAL_MILLIS || !lastLoggedMillis.compareAndSet(last, now)) {
            notLogged.incrementAndGet();
            return;
        }
        long skipped = notLogged.getAndSet(0);
        String reason = failure == null ? "" : ": " + failure.getMessage();
        String address;
        try {
            address = clientAddresses.of(request);
        } catch (RuntimeException unreadable) {
            address = "an unknown address";
        }
        log.warn("Refused a request from {} before it reached Tollgate with {}{}{}", address, status, reason,
                skipped == 0 ? "" : " (" + skipped + " more refusals since the last such line)");
    }

    /** Puts the valve on Tomcat's host in place of the HTML one (the host asks for an ErrorReportValve by class). */
    @Component
    static class Installer implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {
        private final JsonMapper json;
        private final ClientAddresses clientAddresses;

        Installer(JsonMapper json, ClientAddresses clientAddresses) {
            this.json = json;
            this.clientAddresses = clientAddresses;
        }

        @Override
        public void customize(ConfigurableTomcatWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                var host = (org.apache.catalina.core.StandardHost) context.getParent();
                for (Valve valve : host.getPipeline().getValves()) {
                    if (valve instanceof ErrorReportValve && !(valve instanceof EnvelopeErrorValve)) host.getPipeline().removeValve(valve);
                }
                host.setErrorReportValveClass(EnvelopeErrorValve.class.getName());
                host.getPipeline().addValve(new EnvelopeErrorValve(json, clientAddresses));
            });
        }

        @Override
        public int getOrder() {
            // After Spring Boot's own customizer, which adds the standard valve.
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
