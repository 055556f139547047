package io.tollgate.webhooks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Json;
import io.tollgate.platform.SecretBox;
import io.tollgate.platform.TenantScope;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Endpoints as the dispatcher needs them, secrets opened once and kept in memory (they are needed for
 * every signature). Every change of an endpoint publishes its id on CacheInvalidation, so every node
 * drops its copy at commit.
 */
@Component
class EndpointConfigs {
    static final String CACHE_TOPIC = "webhook_endpoint";
    private static final int CACHE_MAX = 10_000;
    private final JdbcClient jdbc;
    private final Json json;
    private final SecretBox box;
    private final Cache<String, Optional<EndpointConfig>> cache = Caffeine.newBuilder().maximumSize(CACHE_MAX)
            .expireAfterWrite(Duration.ofMinutes(15)).build();

    EndpointConfigs(JdbcClient jdbc, Json json, SecretBox box, CacheInvalidation invalidation) {
        this.jdbc = jdbc;
        this.json = json;
        this.box = box;
        invalidation.subscribe(CACHE_TOPIC, cache::invalidate, cache::invalidateAll);
    }

    /** The configs of these endpoints (absent: no such endpoint), loading those not cached in one query. */
    Map<String, EndpointConfig> get(Set<String> ids) {
        Map<String, EndpointConfig> found = new HashMap<>();
        List<String> missing = new java.util.ArrayList<>();
        for (String id : ids) {
            Optional<EndpointConfig> cached = cache.getIfPresent(id);
            if (cached == null) missing.add(id);
            else cached.ifPresent(c -> found.put(id, c));
        }
        if (!missing.isEmpty()) {
            Map<String, EndpointConfig> loaded = TenantScope.cacheFill(() -> load(missing));
            for (String id : missing) {
                Optional<EndpointConfig> config = Optional.ofNullable(loaded.get(id));
                cache.put(id, config);
                config.ifPresent(c -> found.put(id, c));
            }
        }
        return found;
    }

    private Map<String, EndpointConfig> load(List<String> ids) {
        Map<String, EndpointConfig> configs = new HashMap<>();
        jdbc.sql("""
                SELECT id, organization_id, url, headers, ordered, rate_limit_per_second,
                  active AND disabled_at IS NULL AND deleted_at IS NULL AS receiving, secret, previous_secret, previous_secret_expires_at
                FROM webhook_endpoints WHERE id = ANY(?)""")
                .param(ids.toArray(String[]::new))
                .query(rs -> {
                    String id = rs.getString("id");
                    Map<String, String> headers = new LinkedHashMap<>();
                    json.readMap(rs.getString("headers")).forEach((k, v) -> headers.put(k, String.valueOf(v)));
                    String previous = rs.getString("previous_secret");
                    java.sql.Timestamp previousUntil = rs.getTimestamp("previous_secret_expires_at");
                    configs.put(id, new EndpointConfig(id, rs.getString("organization_id"), URI.create(rs.getString("url")), headers,
                            rs.getBoolean("ordered"), (Integer) rs.getObject("rate_limit_per_second"), rs.getBoolean("receiving"),
                            Signatures.keyOf(box.open(rs.getString("secret"), EndpointStore.secretContext(id))),
                            previous == null ? null : Signatures.keyOf(box.open(previous, EndpointStore.previousSecretContext(id))),
                            previousUntil == null ? null : previousUntil.toInstant()));
                });
        return configs;
    }
}
