package io.tollgate.limits.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.tollgate.keys.AppCaller;
import io.tollgate.limits.EndpointClass;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * The buckets of this node: per API key, per organization and endpoint class, per end user. Each
 * node counts on its own (see README: with N nodes the effective limit is up to N times the
 * setting). Buckets sit in bounded caches that forget a bucket after it has been idle long enough
 * to be full again, so forgetting it changes nothing and memory stays bounded.
 *
 * <p>The hot path is a cache lookup and one lock-free compare-and-set per bucket: no database, no
 * lock of ours.
 */
@Component
class RateLimiter {
    /** Every bucket refills in at most an hour; twice that idle and it is surely full. */
    private static final Duration MIN_IDLE_EXPIRY = Duration.ofHours(2);

    private final TimeMeter time;
    private final RateLimitProperties properties;
    private final Cache<String, LimitedBucket> keys;
    /** Indexed by EndpointClass.ordinal(); an entry is null when that class's limit is off. */
    private final ClassBuckets[] byClass = new ClassBuckets[EndpointClass.values().length];
    /** Null when per-user limits are off. */
    private final Cache<String, LimitedBucket> users;
    private final Function<String, LimitedBucket> newUserBucket;

    private record ClassBuckets(Cache<String, LimitedBucket> byOrganization, Function<String, LimitedBucket> newBucket) {}

    RateLimiter(RateLimitProperties properties, Clock clock) {
        this.properties = properties;
        this.time = new ClockTimeMeter(clock);
        this.keys = cache(properties.keyCacheMaxEntries(), MIN_IDLE_EXPIRY);
        for (EndpointClass c : EndpointClass.values()) {
            RateLimitProperties.ClassLimit limit = properties.of(c);
            if (limit.perHour() == 0) continue;
            // A burst larger than the hourly rate takes longer than an hour to refill; keep it that long.
            Duration toFull = Duration.ofSeconds(Math.ceilDiv(limit.burst() * 3_600, limit.perHour()));
            byClass[c.ordinal()] = new ClassBuckets(cache(properties.bucketCacheMaxEntries(), MIN_IDLE_EXPIRY.plus(toFull)),
                    org -> LimitedBucket.create(LimitScope.ORGANIZATION, c, limit.perHour(), limit.burst(), time));
        }
        long perUser = properties.perUserPerHour();
        this.users = perUser == 0 ? null : cache(properties.bucketCacheMaxEntries(), MIN_IDLE_EXPIRY);
        this.newUserBucket = id -> LimitedBucket.create(LimitScope.USER, null, perUser, perUser, time);
    }

    private static Cache<String, LimitedBucket> cache(long maxEntries, Duration idle) {
        return Caffeine.newBuilder().maximumSize(maxEntries).expireAfterAccess(idle).build();
    }

    /**
     * Takes one token from every bucket that applies, or from none: when a later bucket refuses, the
     * tokens already taken are put back, so a call refused for its organization's class limit does
     * not also spend the key's budget.
     *
     * @param endpointClass null when the endpoint has no class
     * @param userId        null when the call acts for no end user
     */
    Outcome acquire(AppCaller caller, EndpointClass endpointClass, String userId) {
        LimitedBucket key = keyBucket(caller.keyId(), caller.rateLimitPerHour());
        LimitedBucket organization = endpointClass == null ? null : classBucket(endpointClass, caller.organizationId());
        LimitedBucket user = userId == null || users == null ? null : users.get(userId, newUserBucket);

        ConsumptionProbe keyProbe = key.bucket().tryConsumeAndReturnRemaining(1);
        if (!keyProbe.isConsumed()) return refused(key, keyProbe);
        ConsumptionProbe organizationProbe = null;
        if (organization != null) {
            organizationProbe = organization.bucket().tryConsumeAndReturnRemaining(1);
            if (!organizationProbe.isConsumed()) {
                key.bucket().addTokens(1);
                return refused(organization, organizationProbe);
            }
        }
        ConsumptionProbe userProbe = null;
        if (user != null) {
            userProbe = user.bucket().tryConsumeAndReturnRemaining(1);
            if (!userProbe.isConsumed()) {
                key.bucket().addTokens(1);
                if (organization != null) organization.bucket().addTokens(1);
                return refused(user, userProbe);
            }
        }
        // Report the bucket closest to empty: that is the one the client must pace itself by.
        LimitedBucket tightest = key;
        ConsumptionProbe probe = keyProbe;
        if (organizationProbe != null && organizationProbe.getRemainingTokens() < probe.getRemainingTokens()) {
            tightest = organization;
            probe = organizationProbe;
        }
        if (userProbe != null && userProbe.getRemainingTokens() < probe.getRemainingTokens()) {
            tightest = user;
            probe = userProbe;
        }
        return new Outcome(true, tightest, probe.getRemainingTokens(), probe.getNanosToWaitForReset(), 0);
    }

    private static Outcome refused(LimitedBucket bucket, ConsumptionProbe probe) {
        return new Outcome(false, bucket, 0, probe.getNanosToWaitForReset(), probe.getNanosToWaitForRefill());
    }

    /**
     * The key's bucket at its current rate_limit. An edited limit reaches us with the key (its cache
     * entry is invalidated at commit); the bucket is then reconfigured in place, keeping what was
     * spent: raising 3 to 5 after 3 calls leaves 2, lowering never leaves more than the new limit.
     */
    private LimitedBucket keyBucket(String keyId, int perHour) {
        LimitedBucket bucket = keys.getIfPresent(keyId);
        if (bucket == null) {
            return keys.get(keyId, id -> LimitedBucket.create(LimitScope.KEY, null, perHour, perHour, time));
        }
        if (bucket.perHour() != perHour) {
            bucket.bucket().replaceConfiguration(LimitedBucket.configuration(perHour, perHour), TokensInheritanceStrategy.ADDITIVE);
            bucket = new LimitedBucket(bucket.bucket(), LimitScope.KEY, null, perHour, perHour);
            keys.put(keyId, bucket);
        }
        return bucket;
    }

    private LimitedBucket classBucket(EndpointClass endpointClass, String organizationId) {
        ClassBuckets buckets = byClass[endpointClass.ordinal()];
        return buckets == null ? null : buckets.byOrganization().get(organizationId, buckets.newBucket());
    }

    /** What is left of one budget, read without spending anything. */
    record Budget(long perHour, long capacity, long remaining, long resetSeconds) {}

    /** The key's budget as of now (full when it has not been used lately). */
    Budget keyBudget(String keyId, int perHour) {
        LimitedBucket bucket = keys.getIfPresent(keyId);
        return bucket == null || bucket.perHour() != perHour ? new Budget(perHour, perHour, perHour, 0) : budget(bucket);
    }

    /** Null when the class's limit is off. */
    Budget organizationBudget(EndpointClass endpointClass, String organizationId) {
        RateLimitProperties.ClassLimit limit = properties.of(endpointClass);
        ClassBuckets buckets = byClass[endpointClass.ordinal()];
        if (buckets == null) return null;
        LimitedBucket bucket = buckets.byOrganization().getIfPresent(organizationId);
        return bucket == null ? new Budget(limit.perHour(), limit.burst(), limit.burst(), 0) : budget(bucket);
    }

    /** Null when per-user limits are off. */
    Budget userBudget(String userId) {
        if (users == null) return null;
        LimitedBucket bucket = users.getIfPresent(userId);
        long perUser = properties.perUserPerHour();
        return bucket == null ? new Budget(perUser, perUser, perUser, 0) : budget(bucket);
    }

    private static Budget budget(LimitedBucket bucket) {
        // Asking for a whole bucket's worth answers both questions: what is there, and how long until full.
        EstimationProbe probe = bucket.bucket().estimateAbilityToConsume(bucket.capacity());
        return new Budget(bucket.perHour(), bucket.capacity(), probe.getRemainingTokens(),
                Outcome.ceilSeconds(probe.getNanosToWaitForRefill()));
    }
}
