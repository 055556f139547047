package io.tollgate.limits.internal;

import io.tollgate.limits.EndpointClass;
import io.tollgate.limits.RateLimitClass;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;

/**
 * Which endpoint class a handler belongs to, found once per handler method: annotation lookup is
 * reflection, too slow to repeat on every call. Bounded by the number of handler methods in the code.
 */
final class EndpointClasses {
    private final ConcurrentHashMap<Method, Optional<EndpointClass>> byMethod = new ConcurrentHashMap<>();

    /** Null when the endpoint has no class. */
    EndpointClass of(HandlerMethod handler) {
        Optional<EndpointClass> found = byMethod.get(handler.getMethod());
        if (found == null) found = byMethod.computeIfAbsent(handler.getMethod(), m -> find(handler));
        return found.orElse(null);
    }

    private static Optional<EndpointClass> find(HandlerMethod handler) {
        RateLimitClass annotation = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), RateLimitClass.class);
        if (annotation == null) annotation = AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), RateLimitClass.class);
        return Optional.ofNullable(annotation).map(RateLimitClass::value);
    }
}
