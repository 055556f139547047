package io.tollgate.integrations;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.tollgate.integrations.internal.IntegrationsProperties;
import io.tollgate.integrations.internal.ProviderCallFailed;
import io.tollgate.platform.ApiException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * A Resilience4j circuit breaker per connection, and retries with exponential backoff and jitter for idempotent
 * methods only (RFC 9110: GET, HEAD, OPTIONS, PUT, DELETE): a POST is sent at most once. A 5xx or 429 answer, a
 * timeout or an unreachable provider counts as a failure and is retried (idempotent calls); after the last attempt
 * the provider's own answer is returned as it is. An open breaker answers 503 UPSTREAM_CIRCUIT_OPEN with
 * Retry-After and sends nothing.
 */
@Component
public class ConnectionResilience {
    public static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");
    private final CircuitBreakerRegistry breakers;
    private final RetryRegistry retries;
    private final IntegrationsProperties.Resilience settings;

    ConnectionResilience(CircuitBreakerRegistry breakers, RetryRegistry retries, IntegrationsProperties properties) {
        this.breakers = breakers;
        this.retries = retries;
        this.settings = properties.resilience();
    }

    /**
     * @param status the HTTP status of an attempt's answer (for judging it), from whatever the attempt returns
     */
    @SuppressWarnings("unchecked")
    public <T> T call(String connectionId, String method, Supplier<T> attempt, ToIntFunction<T> status) {
        CircuitBreaker breaker = breaker(connectionId);
        // A failing answer travels as an exception through the breaker and the retry, and comes out as the answer.
        Supplier<T> judged = () -> {
            T answer = attempt.get();
            if (failed(status.applyAsInt(answer))) throw new FailedAnswer(answer);
            return answer;
        };
        Supplier<T> guarded = CircuitBreaker.decorateSupplier(breaker, judged);
        if (IDEMPOTENT.contains(method.toUpperCase())) {
            Retry retry = retries.retry("integration:" + connectionId, () -> RetryConfig.custom()
                    .maxAttempts(settings.maxAttempts())
                    .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(settings.backoffMillis()), 2.0, 0.5))
                    .retryOnException(e -> e instanceof ProviderCallFailed || e instanceof FailedAnswer)
                    .build());
            guarded = Retry.decorateSupplier(retry, guarded);
        }
        try {
            return guarded.get();
        } catch (FailedAnswer failed) {
            return (T) failed.answer;
        } catch (CallNotPermittedException open) {
            long seconds = Math.max(1, settings.breakerOpenMillis() / 1000);
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "UPSTREAM_CIRCUIT_OPEN",
                    "Calls to this connection's provider are paused after repeated failures; retry later",
                    Map.of("connection_id", connectionId, "retry_after_seconds", seconds), Map.of());
        }
    }

    private static final class FailedAnswer extends RuntimeException {
        final Object answer;

        FailedAnswer(Object answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }

    /** CLOSED, OPEN or HALF_OPEN, for the connection's page. */
    public String state(String connectionId) {
        return breakers.find("integration:" + connectionId).map(b -> b.getState().name().toLowerCase()).orElse("closed");
    }

    CircuitBreaker breaker(String connectionId) {
        return breakers.circuitBreaker("integration:" + connectionId, () -> CircuitBreakerConfig.custom()
                .slidingWindowSize(settings.breakerWindow()).minimumNumberOfCalls(Math.max(1, settings.breakerWindow() / 2))
                .failureRateThreshold(settings.breakerFailureRatePercent())
                .waitDurationInOpenState(Duration.ofMillis(settings.breakerOpenMillis())).permittedNumberOfCallsInHalfOpenState(1)
                .recordException(e -> e instanceof ProviderCallFailed || e instanceof FailedAnswer)
                .build());
    }

    static boolean failed(int status) {
        return status == 429 || status >= 500;
    }
}
