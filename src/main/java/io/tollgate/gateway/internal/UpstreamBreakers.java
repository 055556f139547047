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
 * the payment providers'), and when an open one lets calls through again, for Retry-After. Each breaker has the
 * settings it was made with (the gateway's, or those its caller brought: see UpstreamResilience).
 */
public final class UpstreamBreakers {
    private final CircuitBreakerRegistry registry;
    private final GatewayProperties.Breaker defaults;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final Map<String, Duration> openFor = new ConcurrentHashMap<>();
    private final Map<String, Instant> openUntil = new ConcurrentHashMap<>();

    public UpstreamBreakers(CircuitBreakerRegistry registry, GatewayProperties.Breaker defaults) {
        this.registry = registry;
        this.defaults = defaults;
    }

    public CircuitBreaker of(String name) {
        return of(name, defaults);
    }

    public CircuitBreaker of(String name, GatewayProperties.Breaker settings) {
        return breakers.computeIfAbsent(name, n -> {
            Duration open = Duration.ofSeconds(settings.openSeconds());
            openFor.put(n, open);
            CircuitBreaker breaker = registry.circuitBreaker(n, config(settings, open));
            breaker.getEventPublisher().onStateTransition(e -> {
                if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) openUntil.put(n, Instant.now().plus(open));
            });
            return breaker;
        });
    }

    private static CircuitBreakerConfig config(GatewayProperties.Breaker settings, Duration open) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowCalls())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(open)
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
                .build();
    }

    /** Whole seconds until an open breaker lets a trial call through (at least 1). */
    public long retryAfterSeconds(String name) {
        Instant until = openUntil.get(name);
        if (until == null) return openFor.getOrDefault(name, Duration.ofSeconds(defaults.openSeconds())).toSeconds();
        return Math.max(1, (Duration.between(Instant.now(), until).toMillis() + 999) / 1000);
    }

    /** closed, open, half_open…; "closed" for an upstream not called yet on this node. */
    public String state(String name) {
        CircuitBreaker breaker = breakers.get(name);
        return breaker == null ? "closed" : breaker.getState().name().toLowerCase();
    }
}
