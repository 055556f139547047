package io.tollgate.gateway;

import java.util.Objects;

/**
 * Retry and breaker settings of one upstream, for callers of the engine with settings of their own (the
 * integrations hub's per-connection ones); without it a call uses the gateway's (tollgate.gateway.*). A breaker's
 * settings are fixed when the breaker is first made on a node.
 *
 * @param maxAttempts        attempts of an idempotent call (connection refused: of any call, since nothing was sent)
 * @param retryBackoffMillis first backoff between attempts; doubled each time, with ±50 % jitter
 */
public record UpstreamResilience(int maxAttempts, long retryBackoffMillis, GatewayProperties.Breaker breaker) {
    public UpstreamResilience {
        if (maxAttempts < 1 || maxAttempts > 10) throw new IllegalArgumentException("maxAttempts must be 1 to 10");
        if (retryBackoffMillis < 1 || retryBackoffMillis > 10_000) throw new IllegalArgumentException("retryBackoffMillis must be 1 to 10000");
        Objects.requireNonNull(breaker);
    }
}
