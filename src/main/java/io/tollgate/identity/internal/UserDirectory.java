package io.tollgate.identity.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.TenantScope;
import java.time.Duration;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What the per-request resolver needs about end users, in memory: a user's app, kind and status, and
 * which user an app's external id names. Status and kind changes reach every node at commit through
 * {@link CacheInvalidation}; the external id → user mapping never changes once made, so it only ages out.
 */
@Component
class UserDirectory {
    static final String CACHE_TOPIC = "end_user";
    private final JdbcClient jdbc;
    private final CacheInvalidation invalidation;
    private final Cache<String, Optional<UserFacts>> facts;
    private final Cache<String, String> externalIds;

    record UserFacts(String id, String appId, String kind, String status) {
        boolean active() { return "active".equals(status); }
    }

    UserDirectory(JdbcClient jdbc, CacheInvalidation invalidation,
                  @Value("${tollgate.identity.cache-max-entries}") long maxEntries) {
        this.jdbc = jdbc;
        this.invalidation = invalidation;
        // Expiry is a safety net only: changes arrive by invalidation within milliseconds.
        this.facts = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(Duration.ofMinutes(10)).build();
        this.externalIds = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterAccess(Duration.ofHours(1)).build();
        invalidation.subscribe(CACHE_TOPIC, facts::invalidate, facts::invalidateAll);
    }

    Optional<UserFacts> facts(String userId) {
        return facts.get(userId, id -> TenantScope.cacheFill(() -> jdbc.sql("SELECT id, app_id, kind, status FROM end_users WHERE id = ?").param(id)
                .query((rs, i) -> new UserFacts(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))).optional()));
    }

    /** @param create called on a miss; finds or creates the row and returns its id */
    String externalUser(String appId, String externalUserId, java.util.function.Supplier<String> create) {
        return externalIds.get(appId + '\n' + externalUserId, k -> create.get());
    }

    /** Announce that a user's kind or status changed; inside a transaction it takes effect at commit. */
    void changed(String userId) {
        invalidation.publish(CACHE_TOPIC, userId);
    }
}
