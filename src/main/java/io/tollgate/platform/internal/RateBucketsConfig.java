package io.tollgate.platform.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.platform.RateBuckets;
import java.time.Clock;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * TOLLGATE_REDIS_URL set: buckets shared through Redis, with TOLLGATE_REDIS_FAILURE_POLICY for outages.
 * Unset: each node's own buckets, and Redis is never contacted.
 */
@Configuration(proxyBeanMethods = false)
class RateBucketsConfig {

    @Bean
    RateBuckets rateBuckets(Clock clock, MeterRegistry registry,
                            @Value("${tollgate.redis.url:}") String url,
                            @Value("${tollgate.redis.failure-policy:fail_open}") String policy,
                            @Value("${tollgate.redis.buckets:script}") String implementation,
                            @Value("${tollgate.redis.timeout-millis:250}") long timeoutMillis,
                            @Value("${tollgate.redis.retry-millis:1000}") long retryMillis,
                            @Value("${tollgate.limits.key-cache-max-entries:1000000}") long keyScopeMaxEntries,
                            @Value("${tollgate.limits.bucket-cache-max-entries:1000000}") long otherScopeMaxEntries) {
        BucketShapes.ClockTimeMeter time = new BucketShapes.ClockTimeMeter(clock);
        LocalRateBuckets local = new LocalRateBuckets(time, scope -> scope.equals("key") ? keyScopeMaxEntries : otherScopeMaxEntries);
        if (timeoutMillis < 1 || retryMillis < 1) throw new IllegalStateException("TOLLGATE_REDIS_TIMEOUT_MILLIS and _RETRY_MILLIS must be positive");
        FailoverRateBuckets.Policy failurePolicy = switch (policy.trim().toLowerCase(Locale.ROOT)) {
            case "fail_open", "open" -> FailoverRateBuckets.Policy.FAIL_OPEN;
            case "fail_closed", "closed" -> FailoverRateBuckets.Policy.FAIL_CLOSED;
            default -> throw new IllegalStateException("TOLLGATE_REDIS_FAILURE_POLICY must be fail_open or fail_closed, not " + policy);
        };
        SharedStore redis = url.isBlank() ? null : switch (implementation.trim().toLowerCase(Locale.ROOT)) {
            case "script" -> new RedisScriptBuckets(url.trim(), clock, timeoutMillis);
            case "bucket4j" -> new RedisRateBuckets(url.trim(), time, timeoutMillis);
            default -> throw new IllegalStateException("TOLLGATE_REDIS_BUCKETS must be script or bucket4j, not " + implementation);
        };
        return new FailoverRateBuckets(local, redis, failurePolicy, retryMillis, registry);
    }
}
