package io.tollgate.webhooks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.TenantScope;
import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Organizations' credits_low_threshold, cached: the metering batch asks for every wallet it lowers, so
 * a steady state costs no query. A change reaches every node's cache at commit (CacheInvalidation).
 */
@Component
class LowCreditThresholds {
    static final String CACHE_TOPIC = "webhook_settings";
    private static final int CACHE_MAX = 100_000;
    private final JdbcClient jdbc;
    private final CacheInvalidation invalidation;
    private final Cache<String, Optional<Long>> cache = Caffeine.newBuilder().maximumSize(CACHE_MAX)
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    LowCreditThresholds(JdbcClient jdbc, CacheInvalidation invalidation) {
        this.jdbc = jdbc;
        this.invalidation = invalidation;
        invalidation.subscribe(CACHE_TOPIC, cache::invalidate, cache::invalidateAll);
    }

    Optional<Long> of(String organizationId) {
        return cache.get(organizationId, id -> TenantScope.cacheFill(() -> read(id)));
    }

    /** Uncached, for the settings API. */
    Optional<Long> read(String organizationId) {
        return jdbc.sql("SELECT credits_low_threshold FROM webhook_settings WHERE organization_id = ?").param(organizationId)
                .query((rs, i) -> Optional.ofNullable((Long) rs.getObject(1))).optional().flatMap(o -> o);
    }

    void write(String organizationId, Long threshold) {
        jdbc.sql("""
                INSERT INTO webhook_settings (organization_id, credits_low_threshold) VALUES (?, ?)
                ON CONFLICT (organization_id) DO UPDATE SET credits_low_threshold = excluded.credits_low_threshold, updated_at = now()""")
                .params(organizationId, threshold).update();
        invalidation.publish(CACHE_TOPIC, organizationId);
    }
}
