package io.tollgate.platform.internal;

import io.tollgate.platform.DatabaseErrors;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs the filter chain once more when a filter failed on a connection that turned out dead before
 * any handler ran: what filters read (an API key or admin token not cached yet, as right after the
 * caches were dropped on a lost watch connection) changes nothing, and the request itself has not
 * been acted on, whatever its method. Sits in front of the security chains. A failure inside a
 * handler never gets here (MVC answers it), and GET handlers have their own retry
 * ({@link ReadRetryHandlerAdapter}, which also marks that a handler ran).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class ConnectionRetryFilter extends OncePerRequestFilter {
    static final String HANDLER_STARTED = ConnectionRetryFilter.class.getName() + ".handler";
    private static final Logger log = LoggerFactory.getLogger(ConnectionRetryFilter.class);
    private final DatabaseAvailability availability;

    ConnectionRetryFilter(DatabaseAvailability availability) {
        this.availability = availability;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | IOException | RuntimeException e) {
            if (request.getAttribute(HANDLER_STARTED) != null || response.isCommitted() || !DatabaseErrors.isConnectionLost(e)
                    || !availability.up()) throw e;
            log.info("{} {} failed in a filter on a lost database connection ({}); running it once more on a fresh one",
                    request.getMethod(), request.getRequestURI(), DatabaseErrors.sqlState(e));
            response.resetBuffer();
            chain.doFilter(request, response);
        }
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return true;
    }
}
