package io.tollgate.limits.internal;

import io.tollgate.limits.EndpointClass;
import io.tollgate.platform.RateBuckets;

/**
 * One limit a call is counted against, and what callers are told about it. Refill is greedy (a
 * 3,600/hour bucket gains a token every second), so a client that burst is not locked out for the
 * rest of an hour.
 *
 * @param endpointClass set for organization buckets only
 * @param perHour       the refill rate
 * @param capacity      the bucket size: the burst, and what RateLimit-Limit reports (Remaining counts down from it)
 */
record LimitedBucket(RateBuckets.Name name, LimitScope scope, EndpointClass endpointClass, long perHour, long capacity) {

    static LimitedBucket key(String keyId, long perHour) {
        return new LimitedBucket(RateBuckets.Name.of("key", keyId), LimitScope.KEY, null, perHour, perHour);
    }

    static LimitedBucket organization(EndpointClass endpointClass, String organizationId, long perHour, long burst) {
        return new LimitedBucket(RateBuckets.Name.of("class-" + endpointClass.wireName(), organizationId), LimitScope.ORGANIZATION,
                endpointClass, perHour, burst);
    }

    static LimitedBucket user(String userId, long perHour) {
        return new LimitedBucket(RateBuckets.Name.of("user", userId), LimitScope.USER, null, perHour, perHour);
    }

    RateBuckets.Limit limit() {
        return RateBuckets.Limit.perHour(perHour, capacity);
    }

    RateBuckets.Take take() {
        return new RateBuckets.Take(name, limit());
    }
}
