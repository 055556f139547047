package io.tollgate.platform.internal;

import io.tollgate.platform.DatabaseErrors;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerAdapter;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Runs a GET or HEAD handler a second time when its first run failed on a connection that turned out
 * dead (the database ended it, or it broke): reads change nothing, so running them again is safe, and
 * the pool has dropped its dead connections by then (PooledDataSource), so the second run gets a live
 * one. Anything else that failed that way is answered 503 DATABASE_UNAVAILABLE by the error handlers.
 * Interceptors (authentication, rate limits) run once: only the handler is repeated.
 */
@Component
class ReadRetryHandlerAdapter implements HandlerAdapter, Ordered {
    private static final Logger log = LoggerFactory.getLogger(ReadRetryHandlerAdapter.class);
    private final ObjectProvider<RequestMappingHandlerAdapter> delegate;
    private final DatabaseAvailability availability;

    ReadRetryHandlerAdapter(ObjectProvider<RequestMappingHandlerAdapter> delegate, DatabaseAvailability availability) {
        this.delegate = delegate;
        this.availability = availability;
    }

    @Override
    public boolean supports(Object handler) {
        return handler instanceof HandlerMethod && delegate.getObject().supports(handler);
    }

    @Override
    public ModelAndView handle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        try {
            return delegate.getObject().handle(request, response, handler);
        } catch (Exception e) {
            if (!retryable(request, response, e)) throw e;
            log.info("{} {} failed on a lost database connection ({}); running it once more on a fresh one",
                    request.getMethod(), request.getRequestURI(), DatabaseErrors.sqlState(e));
            response.resetBuffer();
            return delegate.getObject().handle(request, response, handler);
        }
    }

    private boolean retryable(HttpServletRequest request, HttpServletResponse response, Exception e) {
        boolean safe = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        return safe && !response.isCommitted() && DatabaseErrors.isConnectionLost(e) && availability.up();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
