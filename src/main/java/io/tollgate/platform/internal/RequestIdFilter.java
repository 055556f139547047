package io.tollgate.platform.internal;

import io.tollgate.platform.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
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
        String id = given != null && SAFE.matcher(given).matches() ? given : UUID.randomUUID().toString();
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

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return true;
    }
}
