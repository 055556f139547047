package io.tollgate.keys;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.DatabaseErrors;
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
 * Key hash → key facts, in memory. A miss costs one indexed query. Unknown hashes are remembered too,
 * but in a separate, smaller cache: a flood of made-up keys can evict only other made-up keys, never
 * the real ones callers are using. Both caches are bounded (a million stored keys need not all sit in
 * the heap) and every change to a key reaches them through {@link CacheInvalidation} at commit, on
 * every node.
 */
@Component
class KeyDirectory {
    static final String CACHE_TOPIC = "api_key";
    /** Unknown keys kept at most: a twentieth of the real ones, at least a thousand. */
    static long absentEntriesFor(long maxEntries) {
        return Math.max(1_000, maxEntries / 20);
    }

    private final JdbcClient jdbc;
    private final Cache<HashKey, KeyRecord> cache;
    private final Cache<HashKey, Boolean> absent;
    /** Thousands of keys share a handful of scope sets; keep one copy of each. */
    private final ConcurrentHashMap<Set<String>, Set<String>> scopeSets = new ConcurrentHashMap<>();

    private final Function<HashKey, Optional<KeyRecord>> loader;
    private final Function<HashKey, KeyRecord> loadOrRemember = this::loadOrRemember;

    @Autowired
    KeyDirectory(JdbcClient jdbc, CacheInvalidation invalidation,
                 @Value("${tollgate.keys.cache-max-entries}") long maxEntries) {
        this.jdbc = jdbc;
        this.loader = this::load;
        this.cache = newCache(maxEntries);
        this.absent = newCache(absentEntriesFor(maxEntries));
        invalidation.subscribe(CACHE_TOPIC, base64 -> invalidate(HashKey.ofBase64(base64)), this::invalidateAll);
    }

    /** For tests and the micro-benchmark: the same caches in front of another source of key facts. */
    KeyDirectory(Function<HashKey, Optional<KeyRecord>> loader, long maxEntries) {
        this.jdbc = null;
        this.loader = loader;
        this.cache = newCache(maxEntries);
        this.absent = newCache(absentEntriesFor(maxEntries));
    }

    private static <V> Cache<HashKey, V> newCache(long maxEntries) {
        // Expiry is a safety net only: invalidation normally arrives within milliseconds.
        return Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(Duration.ofMinutes(15)).build();
    }

    Optional<KeyRecord> lookup(byte[] hash) {
        HashKey key = HashKey.of(hash);
        if (absent.getIfPresent(key) != null) return Optional.empty();
        // A null from the loader is not stored in the cache: unknown keys go to the other one.
        return Optional.ofNullable(cache.get(key, loadOrRemember));
    }

    private KeyRecord loadOrRemember(HashKey hash) {
        Optional<KeyRecord> found = DatabaseErrors.readOnceMore(() -> loader.apply(hash));
        if (found.isPresent()) return found.get();
        absent.put(hash, Boolean.TRUE);
        return null;
    }

    private void invalidate(HashKey hash) {
        cache.invalidate(hash);
        absent.invalidate(hash);
    }

    private void invalidateAll() {
        cache.invalidateAll();
        absent.invalidateAll();
    }

    private Optional<KeyRecord> load(HashKey hash) {
        return jdbc.sql("""
                SELECT id, app_id, key_type, environment, scopes, rate_limit, expires_at, status, key_prefix, name,
                  bound_to, app_permissions, allowed_origins
                FROM api_keys WHERE key_hash = ?""").param(hash.bytes())
                .query((rs, i) -> {
                    var expires = rs.getTimestamp("expires_at");
                    Set<String> scopes = Set.copyOf(Arrays.asList((String[]) rs.getArray("scopes").getArray()));
                    return new KeyRecord(rs.getString("id"), rs.getString("app_id"),
                            KeyType.valueOf(rs.getString("key_type").toUpperCase()),
                            KeyEnvironment.valueOf(rs.getString("environment").toUpperCase()),
                            scopeSets.computeIfAbsent(scopes, s -> s), rs.getInt("rate_limit"),
                            expires == null ? Long.MAX_VALUE : expires.getTime(), "revoked".equals(rs.getString("status")),
                            rs.getString("key_prefix"), rs.getString("name"), restriction(rs));
                }).optional();
    }

    /** Null for an unrestricted key (bound_to NULL). */
    private static KeyRestriction restriction(java.sql.ResultSet rs) throws java.sql.SQLException {
        String boundTo = rs.getString("bound_to");
        if (boundTo == null) return null;
        return new KeyRestriction(boundTo, textSet(rs.getArray("app_permissions")), textSet(rs.getArray("allowed_origins")));
    }

    private static Set<String> textSet(java.sql.Array array) throws java.sql.SQLException {
        return array == null ? Set.of() : Set.copyOf(Arrays.asList((String[]) array.getArray()));
    }

    long size() {
        return cache.estimatedSize();
    }

    /** Runs pending evictions now, so a test sees the caches' settled sizes. */
    void cleanUp() {
        cache.cleanUp();
        absent.cleanUp();
    }
}
