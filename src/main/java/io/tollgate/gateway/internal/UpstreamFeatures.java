package io.tollgate.gateway.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.platform.CacheInvalidation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * A gateway feature as the request path needs it, with its secrets opened, cached per feature: a call costs no
 * query and no decryption. A change on any node reaches every node at its commit (CacheInvalidation, topic
 * "gateway"); entries also expire after ten minutes as a last net.
 */
@Component
public class UpstreamFeatures {
    static final String TOPIC = "gateway";
    private static final int MAX_ENTRIES = 100_000;
    private final GatewayStore store;
    private final CacheInvalidation invalidation;
    private final Cache<String, Runtime> cache = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).expireAfterWrite(Duration.ofMinutes(10)).build();

    /** Settings and opened secrets; signing secrets newest first, including those in a rotation overlap. */
    public record Runtime(GatewayStore.Row row, List<GatewayStore.Secret> signing, Map<String, String> upstreamHeaders) {
        /** The secrets that sign a request made at {@code now}. */
        public List<String> signingSecrets(Instant now) {
            List<String> secrets = new ArrayList<>(signing.size());
            for (GatewayStore.Secret s : signing) if (s.expiresAt() == null || s.expiresAt().isAfter(now)) secrets.add(s.value());
            return secrets;
        }
    }

    public UpstreamFeatures(GatewayStore store, CacheInvalidation invalidation) {
        this.store = store;
        this.invalidation = invalidation;
        invalidation.subscribe(TOPIC, cache::invalidate, cache::invalidateAll);
    }

    /** The feature's settings, made with the defaults (and a first signing secret) on its first use. */
    public Runtime get(String featureId, String appId) {
        return cache.get(featureId, id -> {
            store.ensure(id, appId);
            return load(id);
        });
    }

    private Runtime load(String featureId) {
        GatewayStore.Row row = store.row(featureId).orElseThrow();
        List<GatewayStore.Secret> signing = new ArrayList<>();
        Map<String, String> headers = Map.of();
        for (GatewayStore.Secret s : store.secrets(featureId)) {
            if (s.kind().equals("signing")) signing.add(s);
            else if (s.expiresAt() == null) headers = store.headers(s.value());
        }
        return new Runtime(row, List.copyOf(signing), headers);
    }

    /** Call inside the changing transaction: every node drops its copy at commit. */
    public void changed(String featureId) {
        invalidation.publish(TOPIC, featureId);
    }
}
