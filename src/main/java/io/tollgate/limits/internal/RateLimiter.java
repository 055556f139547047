package io.tollgate.limits.internal;

import io.tollgate.keys.AppCaller;
import io.tollgate.limits.EndpointClass;
import io.tollgate.platform.RateBuckets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Which buckets a call is counted against — per API key, per organization and endpoint class, per end
 * user — taken together from {@link RateBuckets}: shared by every node through Redis when
 * TOLLGATE_REDIS_URL is set, this node's own otherwise (then N nodes allow up to N times a limit).
 */
@Component
class RateLimiter {
    private final RateBuckets buckets;
    private final RateLimitProperties properties;

    RateLimiter(RateBuckets buckets, RateLimitProperties properties) {
        this.buckets = buckets;
        this.properties = properties;
    }

    /**
     * Takes one token from every bucket that applies, or from none: a call refused for its
     * organization's class limit does not also spend the key's budget.
     *
     * @param endpointClass null when the endpoint has no class
     * @param userId        null when the call acts for no end user
     */
    Outcome acquire(AppCaller caller, EndpointClass endpointClass, String userId) {
        List<LimitedBucket> applying = new ArrayList<>(3);
        applying.add(LimitedBucket.key(caller.keyId(), caller.rateLimitPerHour()));
        LimitedBucket organization = endpointClass == null ? null : classBucket(endpointClass, caller.organizationId());
        if (organization != null) applying.add(organization);
        if (userId != null && properties.perUserPerHour() > 0) applying.add(LimitedBucket.user(userId, properties.perUserPerHour()));

        List<RateBuckets.Probe> probes = buckets.takeAll(applying.stream().map(LimitedBucket::take).toList());
        for (int i = 0; i < applying.size(); i++) {
            RateBuckets.Probe probe = probes.get(i);
            if (probe != null && !probe.consumed()) return new Outcome(false, applying.get(i), 0, probe.nanosToFull(), probe.nanosToRetry());
        }
        // Report the bucket closest to empty: that is the one the client must pace itself by.
        int tightest = 0;
        for (int i = 1; i < applying.size(); i++) if (probes.get(i).remaining() < probes.get(tightest).remaining()) tightest = i;
        RateBuckets.Probe probe = probes.get(tightest);
        return new Outcome(true, applying.get(tightest), probe.remaining(), probe.nanosToFull(), 0);
    }

    private LimitedBucket classBucket(EndpointClass endpointClass, String organizationId) {
        RateLimitProperties.ClassLimit limit = properties.of(endpointClass);
        return limit.perHour() == 0 ? null : LimitedBucket.organization(endpointClass, organizationId, limit.perHour(), limit.burst());
    }

    /** What is left of one budget, read without spending anything. */
    record Budget(long perHour, long capacity, long remaining, long resetSeconds) {}

    /** The key's budget as of now (full when it has not been used lately). */
    Budget keyBudget(String keyId, int perHour) {
        return budget(LimitedBucket.key(keyId, perHour));
    }

    /** Null when the class's limit is off. */
    Budget organizationBudget(EndpointClass endpointClass, String organizationId) {
        LimitedBucket bucket = classBucket(endpointClass, organizationId);
        return bucket == null ? null : budget(bucket);
    }

    /** Null when per-user limits are off. */
    Budget userBudget(String userId) {
        return properties.perUserPerHour() == 0 ? null : budget(LimitedBucket.user(userId, properties.perUserPerHour()));
    }

    private Budget budget(LimitedBucket bucket) {
        RateBuckets.Probe probe = buckets.peek(bucket.name(), bucket.limit());
        return new Budget(bucket.perHour(), bucket.capacity(), probe.remaining(), Outcome.ceilSeconds(probe.nanosToFull()));
    }
}
