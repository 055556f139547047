package io.tollgate.integrations;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.audit.AuditTrail;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.SecretBox;
import io.tollgate.platform.SecretBoxException;
import io.tollgate.platform.TenantScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A connection's credentials (seed 003 api_credentials), sealed by the platform's SecretBox under the context
 * "integration_credentials:&lt;id&gt;:encrypted_value", so a value copied into another row does not open. No answer
 * ever carries a value: only type, key, last four characters, expiry and rotation. Opened values are cached per
 * node (calls and health checks need them often) and dropped on every node when one changes.
 */
@Service
public class Credentials {
    static final String CACHE_TOPIC = "integration-credentials";
    /** Below this length even four characters say too much about a secret. */
    static final int LAST_FOUR_MIN_LENGTH = 12;
    private final JdbcClient jdbc;
    private final SecretBox box;
    private final AuditTrail audit;
    private final CacheInvalidation invalidation;
    private final Clock clock;
    private final Cache<String, Map<String, String>> opened = Caffeine.newBuilder().maximumSize(50_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();

    Credentials(JdbcClient jdbc, SecretBox box, AuditTrail audit, CacheInvalidation invalidation, Clock clock) {
        this.jdbc = jdbc;
        this.box = box;
        this.audit = audit;
        this.invalidation = invalidation;
        this.clock = clock;
        invalidation.subscribe(CACHE_TOPIC, opened::invalidate, opened::invalidateAll);
    }

    public List<CredentialView> list(String organizationId, String connectionId) {
        requireConnection(organizationId, connectionId, false);
        return jdbc.sql("SELECT * FROM integration_credentials WHERE connection_id = ? ORDER BY credential_key").param(connectionId)
                .query(this::view).list();
    }

    /** Stores or replaces (rotates) one credential; without a value only its type, expiry and policy change. */
    @Transactional
    public CredentialView set(String organizationId, String connectionId, String key, CredentialRequest request) {
        requireConnection(organizationId, connectionId, true);
        CredentialView before = find(connectionId, key);
        CredentialView after = setInTransaction(connectionId, key, request, "value");
        audit.record(before == null ? "integration_credential.created" : request.value() == null ? "integration_credential.updated"
                : "integration_credential.rotated", "integration_credential", after.id(), before, after);
        return after;
    }

    /** Inside the caller's transaction (a connection being created with its credentials). */
    CredentialView setInTransaction(String connectionId, String key, CredentialRequest request, String valueField) {
        if (key == null || !key.matches("[a-z][a-z0-9_]{0,99}")) throw ApiException.invalidField("credential_key", "must be lower-case letters, digits and _");
        if (request == null) throw ApiException.invalidField(valueField, "is required");
        CredentialView existing = find(connectionId, key);
        String value = request.value() == null ? null : request.value().strip();
        if (value != null && value.isEmpty()) throw ApiException.invalidField(valueField, "must not be blank");
        if (existing == null && value == null) throw ApiException.invalidField(valueField, "is required for a new credential");
        if (request.expiresAt() != null && !request.expiresAt().isAfter(clock.instant())) throw ApiException.invalidField("expires_at", "must be in the future");
        String id = existing == null ? Ids.next("crd") : existing.id();
        CredentialType type = request.credentialType() != null ? request.credentialType()
                : existing != null ? existing.credentialType() : defaultType(key);
        if (existing == null) {
            jdbc.sql("""
                    INSERT INTO integration_credentials (id, connection_id, credential_type, credential_key, encrypted_value, last_four, expires_at,
                      rotation_policy, last_rotated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())""")
                    .params(id, connectionId, type.name().toLowerCase(), key, box.seal(value, context(id)), lastFour(value),
                            timestamp(request.expiresAt()), request.rotationPolicy() == null ? "manual" : request.rotationPolicy())
                    .update();
        } else {
            jdbc.sql("""
                    UPDATE integration_credentials SET credential_type = ?, expires_at = coalesce(?, expires_at),
                      rotation_policy = coalesce(?, rotation_policy), updated_at = now(),
                      encrypted_value = coalesce(?, encrypted_value), last_four = CASE WHEN ? THEN ? ELSE last_four END,
                      last_rotated = CASE WHEN ? THEN now() ELSE last_rotated END
                    WHERE id = ?""")
                    .params(type.name().toLowerCase(), timestamp(request.expiresAt()), request.rotationPolicy(),
                            value == null ? null : box.seal(value, context(id)), value != null, lastFour(value), value != null, id)
                    .update();
        }
        changed(connectionId);
        return find(connectionId, key);
    }

    @Transactional
    public void delete(String organizationId, String connectionId, String key) {
        requireConnection(organizationId, connectionId, true);
        CredentialView before = find(connectionId, key);
        if (before == null) throw ApiException.notFound("credential", key);
        jdbc.sql("DELETE FROM integration_credentials WHERE id = ?").param(before.id()).update();
        changed(connectionId);
        audit.record("integration_credential.deleted", "integration_credential", before.id(), before, null);
    }

    void deleteAll(String connectionId) {
        jdbc.sql("DELETE FROM integration_credentials WHERE connection_id = ?").param(connectionId).update();
        changed(connectionId);
    }

    /**
     * Credentials whose rotation policy wants a new value now (or within {@code withinDays}), oldest first.
     * @param organizationId null: every organization's
     */
    public PageResult<DueCredential> due(String organizationId, int withinDays, PageQuery page) {
        String where = """
                 FROM integration_credentials k JOIN integration_connections c ON c.id = k.connection_id
                   JOIN integration_providers p ON p.id = c.provider_id
                 WHERE c.deleted_at IS NULL AND k.rotation_policy <> 'manual'
                   AND coalesce(k.last_rotated, k.created_at) + (CASE k.rotation_policy WHEN '30days' THEN interval '30 days'
                       WHEN '90days' THEN interval '90 days' ELSE interval '1 year' END) <= ?
                """ + (organizationId == null ? "" : " AND c.organization_id = ?");
        List<Object> params = new ArrayList<>();
        params.add(java.sql.Timestamp.from(clock.instant().plus(withinDays, ChronoUnit.DAYS)));
        if (organizationId != null) params.add(organizationId);
        long total = jdbc.sql("SELECT count(*)" + where).params(params).query(Long.class).single();
        List<DueCredential> items = jdbc.sql("SELECT k.*, c.organization_id, c.connection_name, p.provider_name" + where
                        + " ORDER BY coalesce(k.last_rotated, k.created_at), k.id LIMIT " + page.perPage() + " OFFSET " + page.offset())
                .params(params).query((rs, i) -> new DueCredential(rs.getString("organization_id"), rs.getString("connection_name"),
                        rs.getString("provider_name"), view(rs, i))).list();
        return page.result(items, total);
    }

    /** A credential due for rotation, with enough of its connection to find it. */
    public record DueCredential(String organizationId, String connectionName, String providerName, CredentialView credential) {}

    /** Credential keys the provider's auth_config names that the connection lacks. */
    public List<String> missing(String connectionId, Provider provider) {
        List<String> have = jdbc.sql("SELECT credential_key FROM integration_credentials WHERE connection_id = ? AND is_active")
                .param(connectionId).query(String.class).list();
        return provider.requiredCredentials().stream().filter(k -> !have.contains(k)).toList();
    }

    /** Opened values by key: for building calls only, never for an answer or a log. */
    public Map<String, String> secrets(String connectionId) {
        return opened.get(connectionId, id -> TenantScope.cacheFill(() -> {
            Map<String, String> values = new HashMap<>();
            jdbc.sql("SELECT id, credential_key, encrypted_value FROM integration_credentials WHERE connection_id = ? AND is_active").param(id)
                    .query((rs, i) -> values.put(rs.getString("credential_key"), open(rs.getString("encrypted_value"), rs.getString("id"))))
                    .list();
            return Map.copyOf(values);
        }));
    }

    /** A value that does not open (damaged, or moved from another row) is the connection's problem, reported as such. */
    private String open(String sealed, String id) {
        try {
            return box.open(sealed, context(id));
        } catch (SecretBoxException e) {
            throw new ApiException(org.springframework.http.HttpStatus.CONFLICT, "CREDENTIAL_UNREADABLE",
                    "A stored credential of this connection cannot be opened (damaged, or copied from another row): set it again");
        }
    }

    static String context(String id) {
        return "integration_credentials:" + id + ":encrypted_value";
    }

    private void changed(String connectionId) {
        invalidation.publish(CACHE_TOPIC, connectionId);
        opened.invalidate(connectionId);
    }

    private CredentialView find(String connectionId, String key) {
        return jdbc.sql("SELECT * FROM integration_credentials WHERE connection_id = ? AND credential_key = ?").params(connectionId, key)
                .query(this::view).optional().orElse(null);
    }

    private void requireConnection(String organizationId, String connectionId, boolean lock) {
        boolean found = Ids.looksLike("con", connectionId) && jdbc.sql("SELECT count(*) FROM (SELECT 1 FROM integration_connections"
                        + " WHERE id = ? AND organization_id = ? AND deleted_at IS NULL" + (lock ? " FOR UPDATE" : "") + ") x")
                .params(connectionId, organizationId).query(Long.class).single() == 1;
        if (!found) throw ApiException.notFound("connection", connectionId);
    }

    private CredentialView view(ResultSet rs, int row) throws SQLException {
        String policy = rs.getString("rotation_policy");
        Instant rotated = Connections.instant(rs, "last_rotated");
        Instant base = rotated != null ? rotated : Connections.instant(rs, "created_at");
        Instant dueAt = switch (policy) {
            case "30days" -> base.plus(30, ChronoUnit.DAYS);
            case "90days" -> base.plus(90, ChronoUnit.DAYS);
            case "yearly" -> base.plus(365, ChronoUnit.DAYS);
            default -> null;
        };
        return new CredentialView(rs.getString("id"), rs.getString("connection_id"), CredentialType.valueOf(rs.getString("credential_type").toUpperCase()),
                rs.getString("credential_key"), rs.getString("last_four"), rs.getString("encryption_method"), Connections.instant(rs, "expires_at"),
                rotated, policy, dueAt, dueAt != null && !dueAt.isAfter(clock.instant()), rs.getBoolean("is_active"),
                Connections.instant(rs, "created_at"), Connections.instant(rs, "updated_at"));
    }

    private static CredentialType defaultType(String key) {
        if (key.contains("client_secret")) return CredentialType.CLIENT_SECRET;
        if (key.contains("password") || key.contains("pin")) return CredentialType.PASSWORD;
        if (key.contains("webhook")) return CredentialType.WEBHOOK_SECRET;
        return CredentialType.API_KEY;
    }

    private static String lastFour(String value) {
        return value == null || value.length() < LAST_FOUR_MIN_LENGTH ? null : value.substring(value.length() - 4);
    }

    private static java.sql.Timestamp timestamp(Instant instant) {
        return instant == null ? null : java.sql.Timestamp.from(instant);
    }
}
