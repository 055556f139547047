package io.tollgate.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits of the gateway and its proxy engine on one node (environment variables in application.properties,
 * listed in README). Per-feature settings (timeouts, pool size, pricing mode) are in the gateway_features table.
 *
 * @param maxBodyBytes        largest request body forwarded (the gateway's own limit, above TOLLGATE_MAX_BODY_BYTES)
 * @param spoolMemoryBytes    a request body up to this size is kept in memory while it is hashed; a larger one goes to a
 *                            temporary file, so an upload never sits whole in the heap
 * @param maxSpooledUploads   request bodies being spooled or forwarded from disk at once on this node
 * @param poolWaitMillis      how long a call waits for a free connection of its upstream's pool before 503 UPSTREAM_BUSY
 * @param maxAttempts         attempts of an idempotent call (connection refused: of any call, since nothing was sent)
 * @param retryBackoffMillis  first backoff between attempts; doubled each time, with ±50 % jitter
 * @param sseMaxEventBytes    largest server-sent event read for its units (a larger one still passes through, unread)
 * @param replayMaxBytes      largest upstream answer stored for Idempotency-Key replays
 * @param holdMarginSeconds   how long a call's hold outlives its total timeout (a node that dies mid-call: it expires)
 * @param healthWriteMillis   at most one write per feature and node of last success / last failure in this time
 * @param breaker             circuit breaker per upstream
 */
@ConfigurationProperties("tollgate.gateway")
public record GatewayProperties(long maxBodyBytes, int spoolMemoryBytes, int maxSpooledUploads, long poolWaitMillis, int maxAttempts,
                                long retryBackoffMillis, int sseMaxEventBytes, int replayMaxBytes, long holdMarginSeconds,
                                long healthWriteMillis, Breaker breaker) {

    /** Opens at failureRatePercent of the last windowCalls (after minimumCalls), stays open openSeconds, then lets halfOpenCalls try. */
    public record Breaker(int failureRatePercent, int windowCalls, int minimumCalls, int openSeconds, int halfOpenCalls) {
        public Breaker {
            require(failureRatePercent >= 1 && failureRatePercent <= 100, "tollgate.gateway.breaker.failure-rate-percent must be 1 to 100");
            require(windowCalls >= 1 && windowCalls <= 10_000, "tollgate.gateway.breaker.window-calls must be 1 to 10000");
            require(minimumCalls >= 1 && minimumCalls <= windowCalls, "tollgate.gateway.breaker.minimum-calls must be 1 to window-calls");
            require(openSeconds >= 1 && openSeconds <= 3600, "tollgate.gateway.breaker.open-seconds must be 1 to 3600");
            require(halfOpenCalls >= 1 && halfOpenCalls <= 100, "tollgate.gateway.breaker.half-open-calls must be 1 to 100");
        }
    }

    public GatewayProperties {
        require(maxBodyBytes >= 1024 && maxBodyBytes <= 1L << 40, "tollgate.gateway.max-body-bytes must be 1 KiB to 1 TiB");
        require(spoolMemoryBytes >= 0 && spoolMemoryBytes <= 16 << 20, "tollgate.gateway.spool-memory-bytes must be 0 to 16 MiB");
        require(maxSpooledUploads >= 1 && maxSpooledUploads <= 100_000, "tollgate.gateway.max-spooled-uploads must be 1 to 100000");
        require(poolWaitMillis >= 0 && poolWaitMillis <= 60_000, "tollgate.gateway.pool-wait-millis must be 0 to 60000");
        require(maxAttempts >= 1 && maxAttempts <= 10, "tollgate.gateway.max-attempts must be 1 to 10");
        require(retryBackoffMillis >= 1 && retryBackoffMillis <= 10_000, "tollgate.gateway.retry-backoff-millis must be 1 to 10000");
        require(sseMaxEventBytes >= 1024 && sseMaxEventBytes <= 64 << 20, "tollgate.gateway.sse-max-event-bytes must be 1 KiB to 64 MiB");
        require(replayMaxBytes >= 0 && replayMaxBytes <= 64 << 20, "tollgate.gateway.replay-max-bytes must be 0 to 64 MiB");
        require(holdMarginSeconds >= 1 && holdMarginSeconds <= 86_400, "tollgate.gateway.hold-margin-seconds must be 1 to 86400");
        require(healthWriteMillis >= 0 && healthWriteMillis <= 3_600_000, "tollgate.gateway.health-write-millis must be 0 to 3600000");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
