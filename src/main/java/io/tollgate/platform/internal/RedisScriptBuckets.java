package io.tollgate.platform.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.tollgate.platform.RateBuckets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Shared buckets decided by one server-side script per call (resources/redis/rate-buckets.lua): all of
 * a call's buckets are read, refilled, checked and taken from atomically in a single round trip. Chosen
 * over Bucket4j's compare-and-swap proxy (still selectable, TOLLGATE_REDIS_BUCKETS=bucket4j) because
 * under contention on one hot bucket the compare-and-swap loop retries — two round trips per attempt —
 * until calls time out; see docs/PERFORMANCE.md for both measured side by side.
 */
final class RedisScriptBuckets implements SharedStore {
    private static final String SCRIPT = load();

    private final RedisClient client;
    private final Clock clock;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile String sha;

    RedisScriptBuckets(String url, Clock clock, long timeoutMillis) {
        this.clock = clock;
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
        List<Long> answer = run("take", takes);
        boolean consumed = answer.getFirst() == 1;
        List<RateBuckets.Probe> probes = new ArrayList<>(takes.size());
        for (int i = 0; i < takes.size(); i++) {
            long remaining = answer.get(1 + 3 * i);
            long msToFull = answer.get(2 + 3 * i);
            long msToOne = answer.get(3 + 3 * i);
            // Refused: the buckets without a token are the ones that refused (the others took nothing either).
            probes.add(new RateBuckets.Probe(consumed || msToOne == 0, remaining, msToFull * 1_000_000L, consumed ? 0 : msToOne * 1_000_000L));
        }
        return probes;
    }

    @Override
    public RateBuckets.Probe peek(RateBuckets.Name name, RateBuckets.Limit limit) {
        List<Long> answer = run("peek", List.of(new RateBuckets.Take(name, limit)));
        return new RateBuckets.Probe(false, answer.get(1), answer.get(2) * 1_000_000L, 0);
    }

    @Override
    public void refill(RateBuckets.Name name, RateBuckets.Limit limit) {
        run("refill", List.of(new RateBuckets.Take(name, limit)));
    }

    private List<Long> run(String operation, List<RateBuckets.Take> takes) {
        String[] keys = new String[takes.size()];
        String[] args = new String[2 + 4 * takes.size()];
        args[0] = operation;
        args[1] = Long.toString(clock.millis());
        for (int i = 0; i < takes.size(); i++) {
            RateBuckets.Take take = takes.get(i);
            keys[i] = RedisKeys.of(take.name());
            RateBuckets.Limit limit = take.limit();
            args[2 + 4 * i] = Long.toString(limit.capacity());
            args[3 + 4 * i] = Long.toString(limit.refillTokens());
            args[4 + 4 * i] = Long.toString(limit.refillPeriod().toMillis());
            args[5 + 4 * i] = limit.refill() == RateBuckets.Refill.GREEDY ? "0" : "1";
        }
        try {
            RedisCommands<String, String> redis = commands();
            try {
                return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
            } catch (RedisNoScriptException restarted) {
                // Redis restarted (or its script cache was flushed): load the script again, once.
                sha = redis.scriptLoad(SCRIPT);
                return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
            }
        } catch (SharedStore.Unavailable e) {
            throw e;
        } catch (RuntimeException e) {
            throw new Unavailable("Redis failed: " + e.getMessage(), e);
        }
    }

    private RedisCommands<String, String> commands() {
        StatefulRedisConnection<String, String> current = connection;
        if (current != null && current.isOpen()) return current.sync();
        synchronized (this) {
            if (connection != null && connection.isOpen()) return connection.sync();
            try {
                if (connection != null) connection.closeAsync();
                StatefulRedisConnection<String, String> fresh = client.connect();
                sha = fresh.sync().scriptLoad(SCRIPT);
                connection = fresh;
                return fresh.sync();
            } catch (RuntimeException e) {
                throw new Unavailable("cannot connect to Redis: " + e.getMessage(), e);
            }
        }
    }

    private static String load() {
        try (InputStream in = RedisScriptBuckets.class.getResourceAsStream("/redis/rate-buckets.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("redis/rate-buckets.lua is missing from the class path", e);
        }
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, String> current = connection;
        if (current != null) current.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
