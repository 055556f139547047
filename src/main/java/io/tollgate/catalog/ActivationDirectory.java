package io.tollgate.catalog;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.metering.ActivatedApps;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.TenantScope;
import io.tollgate.platform.TimestampTracker;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The answer to metering's "has this organization activated this app?" ({@link ActivatedApps}), from
 * memory: each organization's active apps are one cached map, loaded with one query and dropped on
 * every node when an activation of the organization changes (published in the changing transaction,
 * so it lands at commit). last_used_at is noted in memory and written in batches.
 */
@Component
class ActivationDirectory implements ActivatedApps {
    static final String CACHE_TOPIC = "catalog_activation";
    private final ActivationStore store;
    private final CatalogApps catalog;
    private final LastUsed lastUsed;
    /** organization id → (catalog app id → activation id) of its active activations. */
    private final Cache<String, Map<String, String>> active;

    ActivationDirectory(ActivationStore store, CatalogApps catalog, CacheInvalidation invalidation, LastUsed lastUsed,
                        @Value("${tollgate.catalog.activation-cache-max-entries}") long maxEntries) {
        this.store = store;
        this.catalog = catalog;
        this.lastUsed = lastUsed;
        // Expiry is a safety net only: invalidation normally arrives within milliseconds.
        this.active = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(Duration.ofMinutes(15)).build();
        invalidation.subscribe(CACHE_TOPIC, active::invalidate, active::invalidateAll);
    }

    private Map<String, String> activeOf(String organizationId) {
        return active.get(organizationId, id -> TenantScope.cacheFill(() -> Map.copyOf(store.activeOf(id))));
    }

    @Override
    public boolean isActive(String organizationId, String catalogAppId) {
        return activeOf(organizationId).containsKey(catalogAppId);
    }

    @Override
    public void used(String organizationId, String catalogAppId, long atMillis) {
        String activationId = activeOf(organizationId).get(catalogAppId);
        if (activationId != null) lastUsed.touch(activationId, atMillis);
    }

    @Override
    public Optional<String> name(String catalogAppId) {
        return catalog.find(catalogAppId).map(CatalogApp::name);
    }

    /** customer_apps.last_used_at, written in one statement per flush rather than on every consumption. */
    @Component
    static class LastUsed extends TimestampTracker {
        LastUsed(JdbcClient jdbc, @Value("${tollgate.catalog.activation-cache-max-entries}") int maxPending) {
            super(jdbc, "customer_apps", "last_used_at", maxPending);
        }

        @Scheduled(fixedDelayString = "${tollgate.catalog.last-used-flush-millis}")
        void scheduledFlush() {
            flush();
        }
    }
}
