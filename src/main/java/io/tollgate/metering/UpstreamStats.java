package io.tollgate.metering;

/**
 * What the usage row of a proxied call keeps about its upstream.
 *
 * @param status        what the upstream answered; null when it never answered (refused, timed out, not sent)
 * @param latencyMillis time from sending the request to the upstream's first byte (its whole time when it never answered)
 * @param bytesIn       request body bytes sent to the upstream
 * @param bytesOut      response body bytes received from it
 * @param failed        an upstream error: no answer, an answer broken off, or a 5xx
 */
public record UpstreamStats(Integer status, int latencyMillis, long bytesIn, long bytesOut, boolean failed) {
    public UpstreamStats {
        if (latencyMillis < 0 || bytesIn < 0 || bytesOut < 0) throw new IllegalArgumentException("negative upstream figures");
    }
}
