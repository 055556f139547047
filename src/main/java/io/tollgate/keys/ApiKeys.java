package io.tollgate.keys;

import io.tollgate.apps.Application;
import io.tollgate.apps.ApplicationDeleted;
import io.tollgate.apps.Applications;
import io.tollgate.audit.AuditTrail;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.Metadata;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.SecretHasher;
import io.tollgate.platform.TokenCodec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The keys module's public face: issuing, listing, changing, revoking and rotating API keys. */
@Service
public class ApiKeys {
    private final JdbcClient jdbc;
    private final Json json;
    private final AuditTrail audit;
    private final Applications applications;
    private final SecretHasher hasher;
    private final CacheInvalidation invalidation;
    private final LastUsedTracker lastUsed;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    ApiKeys(JdbcClient jdbc, Json json, AuditTrail audit, Applications applications, SecretHasher hasher,
            CacheInvalidation invalidation, LastUsedTracker lastUsed, Clock clock, ApplicationEventPublisher events) {
        this.events = events;
        this.jdbc = jdbc;
        this.json = json;
        this.audit = audit;
        this.applications = applications;
        this.hasher = hasher;
        this.invalidation = invalidation;
        this.lastUsed = lastUsed;
        this.clock = clock;
    }

    static String prefixFor(KeyType type, KeyEnvironment environment) {
        return "tg_" + type.code + "_" + environment.name().toLowerCase() + "_";
    }

    @Transactional
    public CreatedApiKey create(String appId, ApiKeyRequest request) {
        Application app = applications.get(appId);
        KeyType type = request.keyType() == null ? KeyType.SECRET : request.keyType();
        KeyEnvironment environment = request.environment() == null ? KeyEnvironment.LIVE : request.environment();
        List<String> scopes = checkScopes(type, request.scopes() == null ? Scopes.defaultsFor(type) : request.scopes());
        checkExpiry(request.expiresAt());
        String keyId = Ids.next("key");
        String key = insert(keyId, app.id(), type, environment, request.name(), scopes,
                request.rateLimit() == null ? 1000 : request.rateLimit(), request.expiresAt(),
                json.write(Metadata.check(request.metadata(), json)));
        ApiKey created = get(app.id(), keyId);
        audit.record("api_key.created", "api_key", keyId, null, created);
        events.publishEvent(new ApiKeyEvents.Created(created, app.organizationId()));
        return new CreatedApiKey(created, key);
    }

    /**
     * Issues a restricted publishable key (an embed key) for another module's object: bound to
     * {@code restriction.boundTo()}, with its own rate limit and expiry. Runs in the caller's transaction.
     */
    @Transactional
    public CreatedApiKey createRestricted(String appId, ApiKeyRequest request, KeyRestriction restriction) {
        if (request.keyType() != KeyType.PUBLISHABLE) throw new IllegalArgumentException("only a publishable key is restricted");
        CreatedApiKey created = create(appId, request);
        writeRestriction(created.apiKey().id(), restriction);
        return created;
    }

    /** Changes a restricted key's permissions and origins; takes effect on every node at commit. */
    @Transactional
    public void restrict(String keyId, KeyRestriction restriction) {
        writeRestriction(keyId, restriction);
    }

    private void writeRestriction(String keyId, KeyRestriction restriction) {
        jdbc.sql("UPDATE api_keys SET bound_to = ?, app_permissions = ?::text[], allowed_origins = ?::text[], updated_at = now() WHERE id = ?")
                .params(restriction.boundTo(), restriction.appPermissions().stream().sorted().toArray(String[]::new),
                        restriction.allowedOrigins().stream().sorted().toArray(String[]::new), keyId)
                .update();
        invalidate(keyId);
    }

    /**
     * Revokes every active key bound to {@code boundTo}, in the caller's transaction: at its commit the
     * keys fail on every node (the cache invalidation rides on the same commit).
     */
    @Transactional
    public int revokeBound(String boundTo) {
        List<String> ids = jdbc.sql("""
                UPDATE api_keys SET status = 'revoked', revoked_at = now(), updated_at = now()
                WHERE bound_to = ? AND status = 'active' RETURNING id""").param(boundTo).query(String.class).list();
        for (String id : ids) {
            invalidate(id);
            audit.record("api_key.revoked", "api_key", id, null, Map.of("bound_to", boundTo));
        }
        return ids.size();
    }

    private String insert(String keyId, String appId, KeyType type, KeyEnvironment environment, String name,
                          List<String> scopes, int rateLimit, Instant expiresAt, String metadataJson) {
        String prefix = prefixFor(type, environment);
        String key = TokenCodec.generate(prefix);
        jdbc.sql("""
                INSERT INTO api_keys (id, app_id, key_hash, key_prefix, key_last4, key_type, environment, name, scopes,
                  rate_limit, expires_at, metadata)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?::jsonb)""")
                .params(keyId, appId, hasher.hash(key), TokenCodec.visiblePrefix(prefix, key), TokenCodec.lastFour(key),
                        type.name().toLowerCase(), environment.name().toLowerCase(), name, scopes.toArray(String[]::new),
                        rateLimit, expiresAt == null ? null : Timestamp.from(expiresAt), metadataJson)
                .update();
        return key;
    }

    public PageResult<ApiKey> list(String appId, PageQuery page, KeyStatus status) {
        applications.get(appId);
        String where = " WHERE app_id = ?" + switch (status == null ? null : status) {
            case null -> "";
            case ACTIVE -> " AND status = 'active' AND (expires_at IS NULL OR expires_at > now())";
            case EXPIRED -> " AND status = 'active' AND expires_at <= now()";
            case REVOKED -> " AND status = 'revoked'";
        };
        long total = jdbc.sql("SELECT count(*) FROM api_keys" + where).param(appId).query(Long.class).single();
        List<ApiKey> items = jdbc.sql("SELECT * FROM api_keys" + where + " ORDER BY created_at DESC, id DESC LIMIT "
                + page.perPage() + " OFFSET " + page.offset()).param(appId).query(this::map).list();
        return page.result(items, total);
    }

    public ApiKey get(String appId, String keyId) {
        if (!Ids.looksLike("key", keyId)) throw ApiException.notFound("api_key", keyId);
        return jdbc.sql("SELECT * FROM api_keys WHERE id = ? AND app_id = ?").params(keyId, appId).query(this::map)
                .optional().orElseThrow(() -> ApiException.notFound("api_key", keyId));
    }

    /** Changes the non-null fields of the request. */
    @Transactional
    public ApiKey update(String appId, String keyId, ApiKeyRequest request) {
        return update(appId, keyId, request, false);
    }

    /** As above; clearExpiry removes expires_at, so the key never expires. */
    @Transactional
    public ApiKey update(String appId, String keyId, ApiKeyRequest request, boolean clearExpiry) {
        applications.get(appId);
        ApiKey before = lock(appId, keyId);
        if (request.keyType() != null && request.keyType() != before.keyType()) {
            throw ApiException.invalidField("key_type", "cannot be changed; create a new key instead");
        }
        if (request.environment() != null && request.environment() != before.environment()) {
            throw ApiException.invalidField("environment", "cannot be changed; create a new key instead");
        }
        List<String> scopes = request.scopes() == null ? null : checkScopes(before.keyType(), request.scopes());
        checkExpiry(request.expiresAt());
        jdbc.sql("""
                UPDATE api_keys SET name = coalesce(?, name), scopes = coalesce(?::text[], scopes),
                  rate_limit = coalesce(?, rate_limit), expires_at = CASE WHEN ? THEN NULL ELSE coalesce(?, expires_at) END,
                  metadata = coalesce(?::jsonb, metadata), updated_at = now()
                WHERE id = ?""")
                .params(request.name(), scopes == null ? null : scopes.toArray(String[]::new), request.rateLimit(), clearExpiry,
                        request.expiresAt() == null ? null : Timestamp.from(request.expiresAt()),
                        request.metadata() == null ? null : json.write(Metadata.check(request.metadata(), json)), keyId)
                .update();
        invalidate(keyId);
        ApiKey after = get(appId, keyId);
        audit.record("api_key.updated", "api_key", keyId, before, after);
        return after;
    }

    /** Revoking twice is harmless: the second call answers with the key as it stands. */
    @Transactional
    public ApiKey revoke(String appId, String keyId) {
        Application app = applications.get(appId);
        ApiKey before = lock(appId, keyId);
        if (before.status() == KeyStatus.REVOKED) return before;
        jdbc.sql("UPDATE api_keys SET status = 'revoked', revoked_at = now(), updated_at = now() WHERE id = ?").param(keyId).update();
        invalidate(keyId);
        ApiKey after = get(appId, keyId);
        audit.record("api_key.revoked", "api_key", keyId, before, after);
        events.publishEvent(new ApiKeyEvents.Revoked(after, app.organizationId()));
        return after;
    }

    /**
     * Issues a successor with the same settings. The old key keeps working for overlapSeconds (so
     * deployed clients can switch without an outage), then stops; with 0 it is revoked at once.
     */
    @Transactional
    public RotatedApiKey rotate(String appId, String keyId, long overlapSeconds) {
        Application app = applications.get(appId);
        ApiKey old = lock(appId, keyId);
        if (old.status() != KeyStatus.ACTIVE) {
            throw new ApiException(HttpStatus.CONFLICT, "KEY_NOT_ACTIVE", "Only an active key can be rotated; this one is " + old.status().name().toLowerCase());
        }
        if (old.replacedBy() != null) {
            throw new ApiException(HttpStatus.CONFLICT, "KEY_ALREADY_ROTATED", "This key was already rotated to " + old.replacedBy());
        }
        String newId = Ids.next("key");
        String key = insert(newId, appId, old.keyType(), old.environment(), old.name(), old.scopes(), old.rateLimit(),
                old.expiresAt(), json.write(old.metadata()));
        Instant now = clock.instant();
        Instant stop = now.plusSeconds(overlapSeconds);
        if (overlapSeconds == 0) {
            jdbc.sql("UPDATE api_keys SET status = 'revoked', revoked_at = ?, replaced_by = ?, updated_at = now() WHERE id = ?")
                    .params(Timestamp.from(now), newId, keyId).update();
        } else {
            jdbc.sql("""
                    UPDATE api_keys SET expires_at = CASE WHEN expires_at IS NULL OR expires_at > ? THEN ? ELSE expires_at END,
                      replaced_by = ?, updated_at = now() WHERE id = ?""")
                    .params(Timestamp.from(stop), Timestamp.from(stop), newId, keyId).update();
        }
        invalidate(keyId);
        ApiKey oldAfter = get(appId, keyId);
        ApiKey created = get(appId, newId);
        audit.record("api_key.rotated", "api_key", keyId, old, oldAfter);
        audit.record("api_key.created", "api_key", newId, null, created);
        events.publishEvent(new ApiKeyEvents.Rotated(oldAfter, created, app.organizationId()));
        return new RotatedApiKey(new CreatedApiKey(created, key), oldAfter);
    }

    @EventListener
    void onApplicationDeleted(ApplicationDeleted event) {
        List<String> revoked = jdbc.sql("""
                UPDATE api_keys SET status = 'revoked', revoked_at = now(), updated_at = now()
                WHERE app_id = ? AND status = 'active' RETURNING id""").param(event.appId()).query(String.class).list();
        for (String keyId : revoked) {
            invalidate(keyId);
            events.publishEvent(new ApiKeyEvents.Revoked(get(event.appId(), keyId), event.organizationId()));
        }
    }

    private void invalidate(String keyId) {
        byte[] hash = jdbc.sql("SELECT key_hash FROM api_keys WHERE id = ?").param(keyId).query(byte[].class).single();
        invalidation.publish(KeyDirectory.CACHE_TOPIC, HashKey.of(hash).base64());
    }

    private ApiKey lock(String appId, String keyId) {
        if (!Ids.looksLike("key", keyId)) throw ApiException.notFound("api_key", keyId);
        return jdbc.sql("SELECT * FROM api_keys WHERE id = ? AND app_id = ? FOR UPDATE").params(keyId, appId)
                .query(this::map).optional().orElseThrow(() -> ApiException.notFound("api_key", keyId));
    }

    /** Known scopes (aliases included, see {@link Scopes#ALIASES}), allowed for the key's type; answered canonical. */
    private static List<String> checkScopes(KeyType type, List<String> requested) {
        List<ApiException.FieldProblem> problems = new ArrayList<>();
        for (String scope : requested) {
            if (scope == null || !(Scopes.ALL.contains(scope) || Scopes.ALIASES.containsKey(scope))) {
                problems.add(new ApiException.FieldProblem("scopes", "unknown scope '" + scope + "'; known: " + String.join(", ", Scopes.ALL)
                        + " (and seed 000's " + String.join(", ", Scopes.ALIASES.keySet()) + ")"));
            }
        }
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        List<String> canonical = List.copyOf(Scopes.normalize(requested));
        for (String scope : canonical) {
            if (type == KeyType.PUBLISHABLE && Scopes.SECRET_ONLY.contains(scope)) {
                problems.add(new ApiException.FieldProblem("scopes", "'" + scope + "' is for secret keys only: a publishable key ships inside clients"));
            }
        }
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        return canonical;
    }

    private void checkExpiry(Instant expiresAt) {
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw ApiException.invalidField("expires_at", "must be in the future");
        }
    }

    private ApiKey map(ResultSet rs, int row) throws SQLException {
        Timestamp expires = rs.getTimestamp("expires_at");
        Timestamp used = rs.getTimestamp("last_used_at");
        Timestamp revoked = rs.getTimestamp("revoked_at");
        Instant usedAt = used == null ? null : used.toInstant();
        Instant pending = lastUsed.pendingFor(rs.getString("id"));
        if (pending != null && (usedAt == null || pending.isAfter(usedAt))) usedAt = pending;
        KeyStatus status = "revoked".equals(rs.getString("status")) ? KeyStatus.REVOKED
                : expires != null && !expires.toInstant().isAfter(clock.instant()) ? KeyStatus.EXPIRED : KeyStatus.ACTIVE;
        String prefix = rs.getString("key_prefix");
        String last4 = rs.getString("key_last4");
        return new ApiKey(rs.getString("id"), rs.getString("app_id"), rs.getString("name"),
                KeyType.valueOf(rs.getString("key_type").toUpperCase()), KeyEnvironment.valueOf(rs.getString("environment").toUpperCase()),
                prefix, last4, prefix + "…" + last4, List.of((String[]) rs.getArray("scopes").getArray()), rs.getInt("rate_limit"),
                expires == null ? null : expires.toInstant(), usedAt, status, revoked == null ? null : revoked.toInstant(),
                rs.getString("replaced_by"), json.readMap(rs.getString("metadata")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
