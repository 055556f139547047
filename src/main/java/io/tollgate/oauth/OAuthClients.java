package io.tollgate.oauth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.apps.Applications;
import io.tollgate.audit.AuditTrail;
import io.tollgate.keys.Scopes;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.SecretHasher;
import io.tollgate.platform.TenantScope;
import io.tollgate.platform.TimestampTracker;
import io.tollgate.platform.TokenCodec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Seed 001's customer credentials for JWTs: OAuth 2.0 client-credentials clients, issued per
 * organization and bound to one of its apps. The secret is shown once and stored as a peppered hash,
 * like an API key. Clients are cached; a revocation reaches every node at commit, and the tokens of a
 * revoked client stop working at once (the resource side checks the client on every call).
 */
@Service
public class OAuthClients {
    static final String CACHE_TOPIC = "oauth_client";
    static final String SECRET_PREFIX = "tg_cs_";
    /** What a customer JWT may carry: the customer API's scopes. */
    public static final List<String> CUSTOMER_SCOPES = List.of(Scopes.APPS_READ, Scopes.APPS_ACTIVATE, Scopes.TOKENS_CONSUME, Scopes.TOKENS_READ,
            Scopes.BILLING_READ, Scopes.BILLING_MANAGE);
    private final JdbcClient jdbc;
    private final SecretHasher hasher;
    private final Organizations organizations;
    private final Applications applications;
    private final AuditTrail audit;
    private final CacheInvalidation invalidation;
    private final LastUsed lastUsed;
    private final Cache<String, Optional<Stored>> cache = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(15)).build();

    /** A client with its secret's hash: what the authorization server checks a secret against. */
    public record Stored(OAuthClient client, byte[] secretHash) {}

    /** The new client and its secret, which is in this answer only. */
    public record Created(OAuthClient client, String clientId, String clientSecret) {}

    OAuthClients(JdbcClient jdbc, SecretHasher hasher, Organizations organizations, Applications applications, AuditTrail audit,
                 CacheInvalidation invalidation, LastUsed lastUsed) {
        this.jdbc = jdbc;
        this.hasher = hasher;
        this.organizations = organizations;
        this.applications = applications;
        this.audit = audit;
        this.invalidation = invalidation;
        this.lastUsed = lastUsed;
        invalidation.subscribe(CACHE_TOPIC, cache::invalidate, cache::invalidateAll);
    }

    @Transactional
    public Created create(String organizationId, OAuthClientRequest request) {
        organizations.get(organizationId);
        var app = applications.snapshot(request.appId()).filter(a -> a.organizationId().equals(organizationId))
                .orElseThrow(() -> ApiException.invalidField("app_id", "must be an app of this organization"));
        List<String> scopes = request.scopes() == null ? CUSTOMER_SCOPES : checkScopes(request.scopes());
        String id = Ids.next("occ");
        String secret = TokenCodec.generate(SECRET_PREFIX);
        jdbc.sql("""
                INSERT INTO oauth_clients (id, organization_id, app_id, name, secret_hash, secret_prefix, secret_last4, scopes, rate_limit)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?::text[], ?)""")
                .params(id, organizationId, app.id(), request.name(), hasher.hash(secret), TokenCodec.visiblePrefix(SECRET_PREFIX, secret),
                        TokenCodec.lastFour(secret), scopes.toArray(String[]::new), request.rateLimit() == null ? 1000 : request.rateLimit())
                .update();
        invalidation.publish(CACHE_TOPIC, id);
        OAuthClient created = fresh(id).client();
        audit.record("oauth_client.created", "oauth_client", id, null, created);
        return new Created(created, id, secret);
    }

    /** Revoking twice is harmless. Tokens the client holds stop working on every node at commit. */
    @Transactional
    public OAuthClient revoke(String organizationId, String clientId) {
        OAuthClient before = get(organizationId, clientId);
        if (!before.active()) return before;
        jdbc.sql("UPDATE oauth_clients SET status = 'revoked', revoked_at = now() WHERE id = ?").param(clientId).update();
        invalidation.publish(CACHE_TOPIC, clientId);
        OAuthClient after = fresh(clientId).client();
        audit.record("oauth_client.revoked", "oauth_client", clientId, before, after);
        return after;
    }

    public OAuthClient get(String organizationId, String clientId) {
        return find(clientId).map(Stored::client).filter(c -> c.organizationId().equals(organizationId))
                .orElseThrow(() -> ApiException.notFound("oauth_client", clientId));
    }

    /** Cached; empty for an unknown id. */
    public Optional<Stored> find(String clientId) {
        if (!Ids.looksLike("occ", clientId)) return Optional.empty();
        return cache.get(clientId, id -> TenantScope.cacheFill(() -> jdbc.sql("SELECT * FROM oauth_clients WHERE id = ?").param(id).query(this::map).optional()));
    }

    public PageResult<OAuthClient> list(String organizationId, PageQuery page) {
        long total = jdbc.sql("SELECT count(*) FROM oauth_clients WHERE organization_id = ?").param(organizationId).query(Long.class).single();
        List<OAuthClient> items = jdbc.sql("SELECT * FROM oauth_clients WHERE organization_id = ? ORDER BY created_at DESC, id DESC LIMIT "
                + page.perPage() + " OFFSET " + page.offset()).param(organizationId).query(this::map).list().stream().map(Stored::client).toList();
        return page.result(items, total);
    }

    /** A token was issued to, or used by, the client. */
    public void touch(String clientId, long nowMillis) {
        lastUsed.touch(clientId, nowMillis);
    }

    private Stored fresh(String id) {
        return jdbc.sql("SELECT * FROM oauth_clients WHERE id = ?").param(id).query(this::map).single();
    }

    private static List<String> checkScopes(List<String> requested) {
        List<ApiException.FieldProblem> problems = new ArrayList<>();
        for (String scope : requested) {
            if (!CUSTOMER_SCOPES.contains(scope)) {
                problems.add(new ApiException.FieldProblem("scopes", "'" + scope + "' is not a customer scope; known: " + String.join(", ", CUSTOMER_SCOPES)));
            }
        }
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        return List.copyOf(new LinkedHashSet<>(requested));
    }

    private Stored map(ResultSet rs, int row) throws SQLException {
        Timestamp used = rs.getTimestamp("last_used_at");
        Timestamp revoked = rs.getTimestamp("revoked_at");
        Instant pending = lastUsed.pendingFor(rs.getString("id"));
        Instant usedAt = used == null ? pending : pending != null && pending.isAfter(used.toInstant()) ? pending : used.toInstant();
        OAuthClient client = new OAuthClient(rs.getString("id"), rs.getString("organization_id"), rs.getString("app_id"), rs.getString("name"),
                rs.getString("secret_prefix") + "…" + rs.getString("secret_last4"), Arrays.asList((String[]) rs.getArray("scopes").getArray()),
                rs.getInt("rate_limit"), rs.getString("status"), usedAt, rs.getTimestamp("created_at").toInstant(),
                revoked == null ? null : revoked.toInstant());
        return new Stored(client, rs.getBytes("secret_hash"));
    }

    /** oauth_clients.last_used_at, written in batches. */
    @org.springframework.stereotype.Component
    static class LastUsed extends TimestampTracker {
        LastUsed(JdbcClient jdbc) {
            super(jdbc, "oauth_clients", "last_used_at", 100_000);
        }

        @Scheduled(fixedDelayString = "${tollgate.keys.last-used-flush-millis}")
        void scheduledFlush() {
            flush();
        }
    }

}
