package io.tollgate.payments;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Every call to a payment provider goes through here, once: per attempt a time limit
 * (TOLLGATE_PAYMENTS_CALL_TIMEOUT_MILLIS, on top of each HTTP client's own timeouts, so no call hangs a
 * request or the reconciler), a circuit breaker per provider (stop calling a provider that keeps
 * failing, try again after 30 s), and — only when the call is idempotent — up to 3 attempts with
 * exponential backoff and jitter. Provider code must not wrap its calls again.
 */
@Component
public class ProviderCalls {
    static final int MAX_ATTEMPTS = 3;
    private final CircuitBreakerRegistry breakers;
    private final RetryRegistry retries;
    private final TimeLimiterRegistry limiters;
    private final Duration timeout;
    private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();

    ProviderCalls(CircuitBreakerRegistry breakers, RetryRegistry retries, TimeLimiterRegistry limiters,
                  @Value("${tollgate.payments.call-timeout-millis}") long timeoutMillis) {
        if (timeoutMillis < 100 || timeoutMillis > 300_000) {
            throw new IllegalArgumentException("TOLLGATE_PAYMENTS_CALL_TIMEOUT_MILLIS must be 100 to 300000");
        }
        this.breakers = breakers;
        this.retries = retries;
        this.limiters = limiters;
        this.timeout = Duration.ofMillis(timeoutMillis);
    }

    public <T> T call(ProviderName provider, boolean idempotent, Supplier<T> call) {
        String name = provider.name().toLowerCase();
        CircuitBreaker breaker = breakers.circuitBreaker(name, () -> CircuitBreakerConfig.custom()
                .slidingWindowSize(20).minimumNumberOfCalls(10).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30)).permittedNumberOfCallsInHalfOpenState(3)
                // A declined card is an answer, not a failing provider.
                .recordException(e -> !(e instanceof ProviderException p) || p.retryable())
                .build());
        TimeLimiter limiter = limiters.timeLimiter(name, () -> TimeLimiterConfig.custom().timeoutDuration(timeout).cancelRunningFuture(true).build());
        AtomicBoolean attempted = new AtomicBoolean();
        Supplier<T> guarded = CircuitBreaker.decorateSupplier(breaker, () -> {
            attempted.set(true);
            return limited(limiter, name, call);
        });
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
            // If an earlier attempt of this call reached the provider, its outcome is unknown: not "never called".
            throw new ProviderException(true, "PROVIDER_UNAVAILABLE", name + " is failing; calls are paused for a moment",
                    attempted.get() ? null : open);
        }
    }

    /** One attempt on its own (virtual) thread, abandoned and interrupted when the time is up. */
    private <T> T limited(TimeLimiter limiter, String name, Supplier<T> call) {
        try {
            return limiter.executeFutureSupplier(() -> attempts.submit(call::get));
        } catch (TimeoutException e) {
            throw new ProviderException(true, "PROVIDER_TIMEOUT", name + " did not answer within " + timeout.toMillis() + " ms", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ProviderException(true, "PROVIDER_ERROR", name + " call failed: " + e, e);
        }
    }

    /** True when the circuit breaker refused the call before any attempt, so the provider was never asked. */
    public static boolean neverCalled(ProviderException e) {
        return e.getCause() instanceof CallNotPermittedException;
    }

    @PreDestroy
    void stop() {
        attempts.shutdownNow();
    }
}
