package io.tollgate.gateway;

/**
 * Timeouts and pool size of one upstream.
 *
 * @param connectTimeoutMillis   to open a TCP (and TLS) connection
 * @param firstByteTimeoutMillis from sending the request to the upstream's first byte (its status line)
 * @param totalTimeoutMillis     the whole call, response body included; a stream still running then is cut off
 * @param maxConnections         calls in flight to this upstream at once (its pool); more wait, then 503
 */
public record UpstreamLimits(int connectTimeoutMillis, int firstByteTimeoutMillis, long totalTimeoutMillis, int maxConnections) {
    public UpstreamLimits {
        if (connectTimeoutMillis < 1 || firstByteTimeoutMillis < 1 || totalTimeoutMillis < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("upstream limits must be positive");
        }
    }
}
