package io.tollgate.platform.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.RateBuckets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * The {@link RateBuckets} bean: Redis when configured and reachable, otherwise the failure policy.
 * After a Redis failure, calls go straight to the policy for {@code retryMillis}; then one call (won by
 * compare-and-set, so a recovering Redis is not stormed) tries Redis again, and when it answers, every
 * call is back on the shared buckets — no restart. Buckets spent locally while Redis was away are not
 * carried over: during an outage each node limits on its own, which is what {@code fail_open} means.
 */
final class FailoverRateBuckets implements RateBuckets, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FailoverRateBuckets.class);

    enum Policy { FAIL_OPEN, FAIL_CLOSED }

    private final LocalRateBuckets local;
    private final SharedStore redis;
    private final Policy policy;
    private final long retryNanos;
    /** 0 while Redis works; otherwise System.nanoTime() after which one call may try it again. */
    private final AtomicLong degradedUntil = new AtomicLong();
    private final Counter fallbacks;

    FailoverRateBuckets(LocalRateBuckets local, SharedStore redis, Policy policy, long retryMillis, MeterRegistry registry) {
        this.local = local;
        this.redis = redis;
        this.policy = policy;
        this.retryNanos = retryMillis * 1_000_000L;
        this.fallbacks = Counter.builder("tollgate.rate_limit.redis.fallbacks")
                .description("Rate-limit decisions taken without Redis (fail_open: local buckets; fail_closed: 503)").register(registry);
        Gauge.builder("tollgate.rate_limit.redis.degraded", degradedUntil, d -> d.get() == 0 ? 0 : 1)
                .description("1 while Redis is unreachable and the failure policy applies").register(registry);
    }

    @Override
    public List<Probe> takeAll(List<Take> takes) {
        return decide(() -> redis.takeAll(takes), () -> local.takeAll(takes));
    }

    @Override
    public Probe peek(Name name, Limit limit) {
        return decide(() -> redis.peek(name, limit), () -> local.peek(name, limit));
    }

    @Override
    public void refill(Name name, Limit limit) {
        decide(() -> {
            redis.refill(name, limit);
            return null;
        }, () -> {
            local.refill(name, limit);
            return null;
        });
    }

    @Override
    public boolean shared() {
        return redis != null && degradedUntil.get() == 0;
    }

    private <T> T decide(Supplier<T> shared, Supplier<T> own) {
        if (redis == null) return own.get();
        long until = degradedUntil.get();
        if (until != 0 && (System.nanoTime() - until < 0 || !degradedUntil.compareAndSet(until, System.nanoTime() + retryNanos))) {
            return fallback(own);
        }
        try {
            T answer = shared.get();
            if (until != 0) {
                degradedUntil.set(0);
                log.info("Redis answers again: rate limits are shared by every node");
            }
            return answer;
        } catch (SharedStore.Unavailable e) {
            if (degradedUntil.getAndSet(System.nanoTime() + retryNanos) == 0) {
                log.warn("Redis is unreachable ({}): rate limits {} until it answers", e.getMessage(),
                        policy == Policy.FAIL_OPEN ? "fall back to this node's own buckets" : "refuse calls with 503 RATE_LIMIT_UNAVAILABLE");
            }
            return fallback(own);
        }
    }

    @Override
    public void close() {
        if (redis != null) redis.close();
    }

    private <T> T fallback(Supplier<T> own) {
        fallbacks.increment();
        if (policy == Policy.FAIL_OPEN) return own.get();
        long retryAfterSeconds = Math.max(1, retryNanos / 1_000_000_000L);
        throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "RATE_LIMIT_UNAVAILABLE",
                "Rate limits cannot be checked right now; retry in " + retryAfterSeconds + " s",
                Map.of("retry_after_seconds", retryAfterSeconds), Map.of());
    }
}
