package io.tollgate.platform.internal;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.EnvelopeWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A query parameter with an encoded NUL (?search=%00) is refused with 400 naming the parameter:
 * PostgreSQL text cannot hold U+0000, so it would otherwise fail deep in a query. (Tomcat already
 * refuses NUL in the path, JSON bodies are checked by {@link InputChecks}; the console checks its own
 * parameters and answers with a page.)
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class QueryNulFilter extends OncePerRequestFilter {
    private final EnvelopeWriter writer;

    QueryNulFilter(EnvelopeWriter writer) {
        this.writer = writer;
    }

    /** The console checks its own forms and searches and answers with a page, not JSON. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.equals("/console") || path.startsWith("/console/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        String parameter = query == null ? null : parameterWithNul(query);
        if (parameter != null) {
            writer.write(response, ApiException.invalidField(parameter, InputChecks.NUL_MESSAGE));
            return;
        }
        chain.doFilter(request, response);
    }

    /** The name of the first parameter whose name or value decodes to text with a NUL, or null. */
    static String parameterWithNul(String query) {
        if (!query.contains("%00") && query.indexOf('\u0000') < 0) return null;
        for (String pair : query.split("&")) {
            if (!pair.contains("%00") && pair.indexOf('\u0000') < 0) continue;
            int eq = pair.indexOf('=');
            String name;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                name = "query";
            }
            return name.isEmpty() || InputChecks.hasNul(name) ? "query" : name;
        }
        return "query";
    }
}
