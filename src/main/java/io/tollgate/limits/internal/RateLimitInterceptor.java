package io.tollgate.limits.internal;

import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.limits.EndpointClass;
import io.tollgate.platform.ApiError;
import io.tollgate.platform.EnvelopeWriter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Runs after the scope check (order 0) and end-user resolution (order 10): spends one token from
 * each applicable bucket and tells the caller where it stands (IETF RateLimit-* headers), or ends
 * the call with 429 RATE_LIMITED and Retry-After.
 */
final class RateLimitInterceptor implements HandlerInterceptor {
    static final String LIMIT = "RateLimit-Limit";
    static final String REMAINING = "RateLimit-Remaining";
    static final String RESET = "RateLimit-Reset";

    private final RateLimiter limiter;
    private final EndpointClasses classes = new EndpointClasses();
    private final EnvelopeWriter writer;

    RateLimitInterceptor(RateLimiter limiter, EnvelopeWriter writer) {
        this.limiter = limiter;
        this.writer = writer;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws IOException {
        // An async handler's result is dispatched again through the interceptors; it was counted once already.
        if (request.getDispatcherType() == DispatcherType.ASYNC) return true;
        if (!(request.getAttribute(AppCaller.ATTRIBUTE) instanceof AppCaller caller)) return true;
        EndpointClass endpointClass = handler instanceof HandlerMethod method ? classes.of(method) : null;
        String userId = request.getAttribute(EndUserCaller.ATTRIBUTE) instanceof EndUserCaller user ? user.id() : null;

        Outcome outcome = limiter.acquire(caller, endpointClass, userId);
        response.setHeader(LIMIT, Long.toString(outcome.bucket().capacity()));
        response.setHeader(REMAINING, Long.toString(outcome.remaining()));
        response.setHeader(RESET, Long.toString(outcome.resetSeconds()));
        if (outcome.allowed()) return true;

        response.setHeader("Retry-After", Long.toString(outcome.retryAfterSeconds()));
        writer.write(response, 429, refusal(outcome));
        return false;
    }

    private static ApiError refusal(Outcome outcome) {
        LimitedBucket bucket = outcome.bucket();
        String rate = bucket.perHour() + " requests per hour"
                + (bucket.capacity() != bucket.perHour() ? " (burst " + bucket.capacity() + ")" : "");
        String whose = switch (bucket.scope()) {
            case KEY -> "This API key's rate limit of " + rate;
            case ORGANIZATION -> "The organization's " + bucket.endpointClass().wireName() + " limit of " + rate;
            case USER -> "This end user's rate limit of " + rate;
        };
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("scope", bucket.scope().wireName());
        if (bucket.endpointClass() != null) details.put("endpoint_class", bucket.endpointClass().wireName());
        details.put("limit", bucket.perHour());
        details.put("burst", bucket.capacity());
        details.put("reset_seconds", outcome.resetSeconds());
        details.put("retry_after_seconds", outcome.retryAfterSeconds());
        return new ApiError("RATE_LIMITED", whose + " is used up; retry in " + outcome.retryAfterSeconds() + " s",
                details, Map.of());
    }
}
