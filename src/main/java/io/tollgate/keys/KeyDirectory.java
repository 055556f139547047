package io.tollgate.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.platform.CacheInvalidation;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Key hash → key facts, in memory. A miss costs one indexed query; unknown hashes are cached as
 * absent too. The cache is bounded (a million stored keys need not all sit in the heap) and every
 * change to a key reaches it through {@link CacheInvalidation} at commit, on every node.
 */
@Component
class KeyDirectory {
    static final String CACHE_TOPIC = "api_key";
    private final JdbcClient jdbc;
    private final Cache<HashKey, Optional<KeyRecord>> cache;
    /** Thousands of keys share a handful of scope sets; keep one copy of each. */
    private final ConcurrentHashMap<Set<String>, Set<String>> scopeSets = new ConcurrentHashMap<>();

    private final Function<HashKey, Optional<KeyRecord>> loader;

    @Autowired
    KeyDirectory(JdbcClient jdbc, CacheInvalidation invalidation,
                 @Value("${tollgate.keys.cache-max-entries}") long maxEntries) {
        this.jdbc = jdbc;
        this.loader = this::load;
        this.cache = newCache(maxEntries);
        invalidation.subscribe(CACHE_TOPIC, base64 -> cache.invalidate(HashKey.ofBase64(base64)), cache::invalidateAll);
    }

    /** For the micro-benchmark: the same cache in front of another source of key facts. */
    KeyDirectory(Function<HashKey, Optional<KeyRecord>> loader, long maxEntries) {
        this.jdbc = null;
        this.loader = loader;
        this.cache = newCache(maxEntries);
    }

    private static Cache<HashKey, Optional<KeyRecord>> newCache(long maxEntries) {
        // Expiry is a safety net only: invalidation normally arrives within milliseconds.
        return Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(Duration.ofMinutes(15)).build();
    }

    Optional<KeyRecord> lookup(byte[] hash) {
        return cache.get(HashKey.of(hash), loader);
    }

    private Optional<KeyRecord> load(HashKey hash) {
        return jdbc.sql("""
                SELECT id, app_id, key_type, environment, scopes, rate_limit, expires_at, status, key_prefix
                FROM api_keys WHERE key_hash = ?""").param(hash.bytes())
                .query((rs, i) -> {
                    var expires = rs.getTimestamp("expires_at");
                    Set<String> scopes = Set.copyOf(Arrays.asList((String[]) rs.getArray("scopes").getArray()));
                    return new KeyRecord(rs.getString("id"), rs.getString("app_id"),
                            KeyType.valueOf(rs.getString("key_type").toUpperCase()),
                            KeyEnvironment.valueOf(rs.getString("environment").toUpperCase()),
                            scopeSets.computeIfAbsent(scopes, s -> s), rs.getInt("rate_limit"),
                            expires == null ? Long.MAX_VALUE : expires.getTime(), "revoked".equals(rs.getString("status")),
                            rs.getString("key_prefix"));
                }).optional();
    }

    long size() {
        return cache.estimatedSize();
    }
}
