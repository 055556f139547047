package io.tollgate.console;

import io.tollgate.platform.DatabaseErrors;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.web.util.HtmlUtils;

/**
 * The console's own page for "the database is not reachable": 503 with Retry-After, in the console's
 * style, naming the request id. Static HTML, because the filter that re-reads the signed-in operator
 * meets the outage before any controller or template runs.
 */
final class ConsoleUnavailablePage {
    private ConsoleUnavailablePage() {}

    static void write(HttpServletResponse response, String requestId) throws IOException {
        if (response.isCommitted()) return;
        response.resetBuffer();
        response.setStatus(503);
        response.setHeader(HttpHeaders.RETRY_AFTER, Integer.toString(DatabaseErrors.RETRY_AFTER_SECONDS));
        response.setContentType("text/html;charset=UTF-8");
        response.getOutputStream().write(("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Database unavailable · Tollgate</title>
                <link rel="stylesheet" href="/console/assets/console.css"></head>
                <body><main class="narrow"><h1>The database is not reachable</h1>
                <p class="problem" role="alert">Tollgate cannot reach PostgreSQL right now, so this page cannot be shown and nothing
                was changed. It usually comes back within seconds (a restart or a failover): reload the page in a moment.</p>
                <p>If it persists, quote request id <code>%s</code>.</p><p><a href="/console">Back to the console</a></p>
                </main></body></html>""".formatted(HtmlUtils.htmlEscape(requestId == null ? "-" : requestId)))
                .getBytes(StandardCharsets.UTF_8));
    }
}
