package io.tollgate.integrations;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.tollgate.gateway.GatewayProperties;
import io.tollgate.gateway.UpstreamResilience;
import io.tollgate.integrations.internal.IntegrationsProperties;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * A connection's circuit breaker and retry policy, applied by the gateway's proxy engine to proxied calls: a
 * Resilience4j breaker per connection ({@code integration:<id>}, in the shared registry) and retries with
 * exponential backoff and ±50 % jitter — for idempotent methods (RFC 9110: GET, HEAD, OPTIONS, PUT, DELETE) on a
 * broken connection or a 502/503/504, and for any method only when the connection was refused (nothing was sent):
 * a POST reaches the provider at most once. An open breaker answers 503 UPSTREAM_CIRCUIT_OPEN with Retry-After.
 * Settings: TOLLGATE_INTEGRATIONS_RETRY_* and TOLLGATE_INTEGRATIONS_BREAKER_*.
 */
@Component
public class ConnectionResilience {
    public static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");
    private final CircuitBreakerRegistry breakers;
    private final UpstreamResilience policy;

    ConnectionResilience(CircuitBreakerRegistry breakers, IntegrationsProperties properties) {
        this.breakers = breakers;
        IntegrationsProperties.Resilience s = properties.resilience();
        int openSeconds = (int) Math.max(1, (s.breakerOpenMillis() + 999) / 1000);
        this.policy = new UpstreamResilience(s.maxAttempts(), s.backoffMillis(), new GatewayProperties.Breaker(s.breakerFailureRatePercent(),
                s.breakerWindow(), Math.max(1, s.breakerWindow() / 2), openSeconds, 1));
    }

    /** The name of the connection's breaker (and of its connection pool). */
    public static String breakerName(String connectionId) {
        return "integration:" + connectionId;
    }

    public UpstreamResilience policy() {
        return policy;
    }

    /** closed, open or half_open, for the connection's page: this node's breaker. */
    public String state(String connectionId) {
        return breakers.find(breakerName(connectionId)).map(b -> b.getState().name().toLowerCase()).orElse("closed");
    }
}
