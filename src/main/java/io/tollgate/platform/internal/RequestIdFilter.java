package io.tollgate.platform.internal;

import io.tollgate.platform.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.OncePerRequestFilter;

/** Accepts a caller's X-Request-Id when it is safe to echo and log, otherwise makes one. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter extends OncePerRequestFilter {
    static final String HEADER = "X-Request-Id";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(HEADER);
        String id = given != null && SAFE.matcher(given).matches() ? given : newId();
        request.setAttribute(RequestContext.REQUEST_ID_ATTRIBUTE, id);
        response.setHeader(HEADER, id);
        MDC.put("request_id", id);
        // Spring's own RequestContextFilter runs after Spring Security; set the holder now so the
        // envelopes our security filters write carry the request id too.
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request, response));
        try {
            chain.doFilter(request, response);
        } finally {
            RequestContextHolder.resetRequestAttributes();
            MDC.remove("request_id");
        }
    }

    /**
     * A random (version 4) UUID from ThreadLocalRandom: a request id must be unique, not unguessable,
     * and UUID.randomUUID() reads the OS's secure random source under a lock on every request.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return true;
    }
}
