package io.tollgate.limits.internal;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.tollgate.limits.EndpointClass;
import java.time.Duration;

/**
 * A token bucket and what callers are told about it. Refill is greedy (a 3,600/hour bucket gains a
 * token every second), so a client that burst is not locked out for the rest of an hour.
 *
 * @param endpointClass set for organization buckets only
 * @param perHour       the refill rate
 * @param capacity      the bucket size: the burst, and what RateLimit-Limit reports (Remaining counts down from it)
 */
record LimitedBucket(Bucket bucket, LimitScope scope, EndpointClass endpointClass, long perHour, long capacity) {

    static LimitedBucket create(LimitScope scope, EndpointClass endpointClass, long perHour, long capacity, TimeMeter time) {
        Bucket bucket = Bucket.builder().withCustomTimePrecision(time)
                .addLimit(l -> l.capacity(capacity).refillGreedy(perHour, Duration.ofHours(1))).build();
        return new LimitedBucket(bucket, scope, endpointClass, perHour, capacity);
    }

    static BucketConfiguration configuration(long perHour, long capacity) {
        return BucketConfiguration.builder().addLimit(l -> l.capacity(capacity).refillGreedy(perHour, Duration.ofHours(1))).build();
    }
}
