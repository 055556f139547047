package io.tollgate.identity.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.identity.OAuthProvider;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.SecretBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The SQL over oauth_providers. The client secret is sealed with the row as context; a sign-in needs
 * it opened, so opened configurations are cached in memory (a sign-in is not the hot path, but opening
 * costs an unwrap per call) and dropped on every node when an operator changes one.
 */
@Component
class OAuthProviderStore {
    static final String CACHE_TOPIC = "oauth_provider";
    private final JdbcClient jdbc;
    private final SecretBox box;
    private final CacheInvalidation invalidation;
    /** App id → its providers' configurations, opened. An app has at most one per provider. */
    private final Cache<String, java.util.Map<ProviderKind, ProviderConfig>> opened;

    /** A provider configuration with its secret open: never leaves the identity module, never logged. */
    record ProviderConfig(String id, String appId, ProviderKind kind, String clientId, String clientSecret, String issuer,
                          String baseUrl, String apiUrl, boolean enabled) {
        @Override
        public String toString() {
            return "ProviderConfig[" + id + ", " + kind.id() + ", client " + clientId + "]";
        }
    }

    /** What an operator sets; a null secret keeps the stored one. */
    record Change(String clientId, String clientSecret, String issuer, String baseUrl, String apiUrl, boolean enabled) {}

    OAuthProviderStore(JdbcClient jdbc, SecretBox box, CacheInvalidation invalidation) {
        this.jdbc = jdbc;
        this.box = box;
        this.invalidation = invalidation;
        this.opened = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(15)).build();
        invalidation.subscribe(CACHE_TOPIC, opened::invalidate, opened::invalidateAll);
    }

    static String context(String id) {
        return "oauth_providers:" + id + ":client_secret";
    }

    Optional<ProviderConfig> config(String appId, ProviderKind kind) {
        return Optional.ofNullable(opened.get(appId, this::load).get(kind));
    }

    private java.util.Map<ProviderKind, ProviderConfig> load(String appId) {
        java.util.Map<ProviderKind, ProviderConfig> configs = new java.util.EnumMap<>(ProviderKind.class);
        jdbc.sql("SELECT * FROM oauth_providers WHERE app_id = ?").param(appId).query((rs, i) -> new ProviderConfig(rs.getString("id"),
                appId, ProviderKind.of(rs.getString("provider")).orElseThrow(), rs.getString("client_id"),
                box.open(rs.getString("client_secret_sealed"), context(rs.getString("id"))), rs.getString("issuer"),
                rs.getString("base_url"), rs.getString("api_url"), rs.getBoolean("enabled")))
                .list().forEach(config -> configs.put(config.kind(), config));
        return configs;
    }

    List<OAuthProvider> list(String appId) {
        return jdbc.sql("SELECT * FROM oauth_providers WHERE app_id = ? ORDER BY provider").param(appId).query(this::view).list();
    }

    Optional<OAuthProvider> find(String appId, ProviderKind kind) {
        return jdbc.sql("SELECT * FROM oauth_providers WHERE app_id = ? AND provider = ?").params(appId, kind.id()).query(this::view).optional();
    }

    /** Creates or replaces the app's configuration of this provider (in the caller's transaction). */
    void put(String appId, ProviderKind kind, Change change) {
        Optional<String> existing = jdbc.sql("SELECT id FROM oauth_providers WHERE app_id = ? AND provider = ? FOR UPDATE")
                .params(appId, kind.id()).query(String.class).optional();
        if (existing.isPresent()) {
            String id = existing.get();
            jdbc.sql("""
                    UPDATE oauth_providers SET client_id = ?, client_secret_sealed = coalesce(?, client_secret_sealed), issuer = ?,
                      base_url = ?, api_url = ?, enabled = ?, updated_at = now() WHERE id = ?""")
                    .params(change.clientId(), change.clientSecret() == null ? null : box.seal(change.clientSecret(), context(id)),
                            change.issuer(), change.baseUrl(), change.apiUrl(), change.enabled(), id).update();
        } else {
            String id = Ids.next("oap");
            jdbc.sql("""
                    INSERT INTO oauth_providers (id, app_id, provider, client_id, client_secret_sealed, issuer, base_url, api_url, enabled)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(id, appId, kind.id(), change.clientId(), box.seal(change.clientSecret(), context(id)), change.issuer(),
                            change.baseUrl(), change.apiUrl(), change.enabled()).update();
        }
        invalidation.publish(CACHE_TOPIC, appId);
    }

    boolean delete(String appId, ProviderKind kind) {
        int deleted = jdbc.sql("DELETE FROM oauth_providers WHERE app_id = ? AND provider = ?").params(appId, kind.id()).update();
        invalidation.publish(CACHE_TOPIC, appId);
        return deleted == 1;
    }

    private OAuthProvider view(ResultSet rs, int row) throws SQLException {
        return new OAuthProvider(rs.getString("id"), rs.getString("app_id"), rs.getString("provider"), rs.getString("client_id"), true,
                rs.getString("issuer"), rs.getString("base_url"), rs.getString("api_url"), rs.getBoolean("enabled"), null,
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
