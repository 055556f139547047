package io.tollgate.gateway.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.tollgate.gateway.GatewayProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Resilience4j circuit breaker per upstream (from the shared registry, so its metrics are exported with
 * the payment providers'), and when an open one lets calls through again, for Retry-After.
 */
public final class UpstreamBreakers {
    private final CircuitBreakerRegistry registry;
    private final CircuitBreakerConfig config;
    private final Duration open;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final Map<String, Instant> openUntil = new ConcurrentHashMap<>();

    public UpstreamBreakers(CircuitBreakerRegistry registry, GatewayProperties.Breaker settings) {
        this.registry = registry;
        this.open = Duration.ofSeconds(settings.openSeconds());
        this.config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowCalls())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(open)
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                .build();
    }

    public CircuitBreaker of(String name) {
        return breakers.computeIfAbsent(name, n -> {
            CircuitBreaker breaker = registry.circuitBreaker(n, config);
            breaker.getEventPublisher().onStateTransition(e -> {
                if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) openUntil.put(n, Instant.now().plus(open));
            });
            return breaker;
        });
    }

    /** Whole seconds until an open breaker lets a trial call through (at least 1). */
    public long retryAfterSeconds(String name) {
        Instant until = openUntil.get(name);
        if (until == null) return open.toSeconds();
        return Math.max(1, (Duration.between(Instant.now(), until).toMillis() + 999) / 1000);
    }

    /** closed, open, half_open…; "closed" for an upstream not called yet on this node. */
    public String state(String name) {
        CircuitBreaker breaker = breakers.get(name);
        return breaker == null ? "closed" : breaker.getState().name().toLowerCase();
    }
}
