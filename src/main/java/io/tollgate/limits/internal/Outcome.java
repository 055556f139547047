package io.tollgate.limits.internal;

/**
 * The answer for one request: allowed or not, and the bucket to report in the RateLimit-* headers
 * (the most restrictive one when allowed, the refusing one when not).
 *
 * @param resetNanos until that bucket is full again (RateLimit-Reset)
 * @param retryNanos until a refused request would pass (Retry-After); 0 when allowed
 */
record Outcome(boolean allowed, LimitedBucket bucket, long remaining, long resetNanos, long retryNanos) {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    long resetSeconds() {
        return ceilSeconds(resetNanos);
    }

    /** Whole seconds, at least 1: "Retry-After: 0" would invite a retry that is sure to fail. */
    long retryAfterSeconds() {
        return Math.max(1, ceilSeconds(retryNanos));
    }

    static long ceilSeconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
    }
}
