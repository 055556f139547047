package io.tollgate.platform.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.tollgate.platform.RateBuckets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * This node's own buckets: lock-free Bucket4j buckets in bounded caches, one cache per scope so a
 * flood of one kind (made-up end users, say) cannot evict another kind's buckets. A bucket is forgotten
 * once it has been idle long enough to be full again, so forgetting it changes nothing.
 */
final class LocalRateBuckets {
    /** Never forget sooner than this: cheap, and it smooths over clock steps. */
    private static final long MIN_IDLE_NANOS = Duration.ofMinutes(2).toNanos();

    private record Entry(Bucket bucket, RateBuckets.Limit limit) {}

    private final TimeMeter time;
    private final ToLongFunction<String> maxEntriesOfScope;
    private final Map<String, Cache<RateBuckets.Name, Entry>> byScope = new ConcurrentHashMap<>();

    LocalRateBuckets(TimeMeter time, ToLongFunction<String> maxEntriesOfScope) {
        this.time = time;
        this.maxEntriesOfScope = maxEntriesOfScope;
    }

    List<RateBuckets.Probe> takeAll(List<RateBuckets.Take> takes) {
        List<RateBuckets.Probe> probes = new ArrayList<>(takes.size());
        for (int i = 0; i < takes.size(); i++) {
            RateBuckets.Take take = takes.get(i);
            ConsumptionProbe probe = bucket(take.name(), take.limit()).tryConsumeAndReturnRemaining(1);
            probes.add(BucketShapes.probe(probe));
            if (!probe.isConsumed()) {
                for (int j = 0; j < i; j++) bucket(takes.get(j).name(), takes.get(j).limit()).addTokens(1);
                while (probes.size() < takes.size()) probes.add(null);
                return probes;
            }
        }
        return probes;
    }

    RateBuckets.Probe peek(RateBuckets.Name name, RateBuckets.Limit limit) {
        Entry entry = cache(name.scope()).getIfPresent(name);
        if (entry == null || !entry.limit().equals(limit)) return new RateBuckets.Probe(false, limit.capacity(), 0, 0);
        return BucketShapes.peek(entry.bucket().estimateAbilityToConsume(limit.capacity()));
    }

    void refill(RateBuckets.Name name, RateBuckets.Limit limit) {
        Entry entry = cache(name.scope()).getIfPresent(name);
        if (entry != null) entry.bucket().reset();
    }

    /**
     * The bucket at its current limit. A changed limit (an edited key's rate_limit) reconfigures the
     * bucket in place, keeping what was spent: raising 3 to 5 after 3 calls leaves 2.
     */
    private Bucket bucket(RateBuckets.Name name, RateBuckets.Limit limit) {
        Cache<RateBuckets.Name, Entry> cache = cache(name.scope());
        Entry entry = cache.get(name, n -> new Entry(Bucket.builder().withCustomTimePrecision(time)
                .addLimit(BucketShapes.configuration(limit).getBandwidths()[0]).build(), limit));
        if (!entry.limit().equals(limit)) {
            entry.bucket().replaceConfiguration(BucketShapes.configuration(limit), TokensInheritanceStrategy.ADDITIVE);
            cache.put(name, new Entry(entry.bucket(), limit));
        }
        return entry.bucket();
    }

    private Cache<RateBuckets.Name, Entry> cache(String scope) {
        return byScope.computeIfAbsent(scope, s -> Caffeine.newBuilder().maximumSize(maxEntriesOfScope.applyAsLong(s))
                .expireAfter(Expiry.<RateBuckets.Name, Entry>accessing((name, entry) ->
                        Duration.ofNanos(Math.max(MIN_IDLE_NANOS, Math.min(Long.MAX_VALUE / 2, entry.limit().nanosToFill())))))
                .build());
    }
}
