package io.tollgate.payments;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Every call to a payment provider goes through here: a circuit breaker per provider (stop calling a
 * provider that keeps failing, try again after 30 s), and — only when the call is idempotent —
 * up to 3 attempts with exponential backoff and jitter. Timeouts belong to each provider's HTTP client.
 */
@Component
public class ProviderCalls {
    static final int MAX_ATTEMPTS = 3;
    private final CircuitBreakerRegistry breakers;
    private final RetryRegistry retries;

    ProviderCalls(CircuitBreakerRegistry breakers, RetryRegistry retries) {
        this.breakers = breakers;
        this.retries = retries;
    }

    public <T> T call(ProviderName provider, boolean idempotent, Supplier<T> call) {
        String name = provider.name().toLowerCase();
        CircuitBreaker breaker = breakers.circuitBreaker(name, () -> CircuitBreakerConfig.custom()
                .slidingWindowSize(20).minimumNumberOfCalls(10).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30)).permittedNumberOfCallsInHalfOpenState(3)
                // A declined card is an answer, not a failing provider.
                .recordException(e -> !(e instanceof ProviderException p) || p.retryable())
                .build());
        Supplier<T> guarded = CircuitBreaker.decorateSupplier(breaker, call);
        if (idempotent) {
            Retry retry = retries.retry(name, () -> RetryConfig.custom()
                    .maxAttempts(MAX_ATTEMPTS)
                    .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.5))
                    .retryOnException(e -> e instanceof ProviderException p && p.retryable())
                    .build());
            guarded = Retry.decorateSupplier(retry, guarded);
        }
        try {
            return guarded.get();
        } catch (CallNotPermittedException open) {
            throw new ProviderException(true, "PROVIDER_UNAVAILABLE", name + " is failing; calls are paused for a moment", open);
        }
    }

    /** True when the circuit breaker refused the call, so the provider was never asked. */
    public static boolean neverCalled(ProviderException e) {
        return e.getCause() instanceof CallNotPermittedException;
    }
}
