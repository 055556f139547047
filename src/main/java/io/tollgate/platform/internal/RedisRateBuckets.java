package io.tollgate.platform.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.tollgate.platform.RateBuckets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Buckets every node shares, in Redis, through Bucket4j's compare-and-swap proxy over Lettuce
 * (TOLLGATE_REDIS_BUCKETS=bucket4j; the default is {@link RedisScriptBuckets}). A call's buckets (key,
 * organization class, end user) are asked concurrently; each ask is a read and a compare-and-swap,
 * repeated while another node changed the bucket in between. Kept so the two can be measured side by side.
 */
final class RedisRateBuckets implements SharedStore {
    /** Idle buckets leave Redis once they would be full again anyway (and at most after a day). */
    private static final ExpirationAfterWriteStrategy EXPIRY = ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofDays(1));

    private final RedisClient client;
    private final TimeMeter time;
    private final long timeoutMillis;
    /** The limit each bucket was last given from this node: a changed limit is applied once, in place. */
    private final Cache<RateBuckets.Name, RateBuckets.Limit> applied = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10)).build();
    private volatile Connected connected;

    private record Connected(StatefulRedisConnection<String, byte[]> connection, AsyncProxyManager<String> buckets) {}

    RedisRateBuckets(String url, TimeMeter time, long timeoutMillis) {
        this.time = time;
        this.timeoutMillis = timeoutMillis;
        this.client = RedisClient.create(RedisURI.create(url));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // While disconnected, fail at once instead of queueing: the failure policy decides, not a wait.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(timeoutMillis)).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(timeoutMillis)))
                .build());
    }

    @Override
    public List<RateBuckets.Probe> takeAll(List<RateBuckets.Take> takes) {
        Connected redis = connection();
        List<AsyncBucketProxy> proxies = new ArrayList<>(takes.size());
        List<CompletableFuture<ConsumptionProbe>> pending = new ArrayList<>(takes.size());
        for (RateBuckets.Take take : takes) {
            AsyncBucketProxy proxy = proxy(redis, take.name(), take.limit());
            proxies.add(proxy);
            pending.add(proxy.tryConsumeAndReturnRemaining(1));
        }
        List<RateBuckets.Probe> probes = new ArrayList<>(takes.size());
        boolean refused = false;
        for (CompletableFuture<ConsumptionProbe> future : pending) {
            ConsumptionProbe probe = await(future);
            refused |= !probe.isConsumed();
            probes.add(BucketShapes.probe(probe));
        }
        if (refused) {
            // Give back what the other buckets gave, so a call refused by one limit spends nothing from the others.
            List<CompletableFuture<Void>> returns = new ArrayList<>();
            for (int i = 0; i < probes.size(); i++) if (probes.get(i).consumed()) returns.add(proxies.get(i).addTokens(1));
            for (CompletableFuture<Void> r : returns) await(r);
        }
        return probes;
    }

    @Override
    public RateBuckets.Probe peek(RateBuckets.Name name, RateBuckets.Limit limit) {
        return BucketShapes.peek(await(proxy(connection(), name, limit).estimateAbilityToConsume(limit.capacity())));
    }

    @Override
    public void refill(RateBuckets.Name name, RateBuckets.Limit limit) {
        await(proxy(connection(), name, limit).reset());
    }

    /**
     * A bucket is created with its limit; a limit that changed since (an edited key's rate_limit, a new
     * setting) is applied in place the first time this node uses the bucket with it, keeping what was
     * spent, as on a single node.
     */
    private AsyncBucketProxy proxy(Connected redis, RateBuckets.Name name, RateBuckets.Limit limit) {
        AsyncBucketProxy proxy = redis.buckets().builder()
                .build(RedisKeys.of(name), () -> CompletableFuture.completedFuture(BucketShapes.configuration(limit)));
        if (!limit.equals(applied.getIfPresent(name))) {
            await(proxy.replaceConfiguration(BucketShapes.configuration(limit), TokensInheritanceStrategy.ADDITIVE));
            applied.put(name, limit);
        }
        return proxy;
    }

    private Connected connection() {
        Connected current = connected;
        if (current != null && current.connection().isOpen()) return current;
        synchronized (this) {
            if (connected != null && connected.connection().isOpen()) return connected;
            try {
                StatefulRedisConnection<String, byte[]> connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
                AsyncProxyManager<String> buckets = Bucket4jLettuce.casBasedBuilder(connection)
                        .clientClock(time).expirationAfterWrite(EXPIRY).build().asAsync();
                if (connected != null) connected.connection().closeAsync();
                connected = new Connected(connection, buckets);
                applied.invalidateAll();
                return connected;
            } catch (RuntimeException e) {
                throw new Unavailable("cannot connect to Redis: " + e.getMessage(), e);
            }
        }
    }

    private <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting for Redis", e);
        } catch (ExecutionException e) {
            throw new Unavailable("Redis failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new Unavailable("Redis did not answer within " + timeoutMillis + " ms", e);
        }
    }

    @Override
    public void close() {
        Connected current = connected;
        if (current != null) current.connection().close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
