package io.tollgate.integrations;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.audit.AuditTrail;
import io.tollgate.integrations.internal.IntegrationsProperties;
import io.tollgate.integrations.internal.JsonSchemas;
import io.tollgate.integrations.internal.ProviderChecks;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.Actor;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ApiException.FieldProblem;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.RequestContext;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Connections of organizations to providers. Every read and write names the organization, so one organization
 * can never see or change another's connection (an id of another organization is simply "not found").
 */
@Service
public class Connections {
    /** Published (key: connection id) when a connection's configuration, status or credentials change. */
    public static final String CACHE_TOPIC = "integration-connection";
    static final String COLUMNS = "c.*, p.provider_name, p.provider_type";
    static final String FROM = " FROM integration_connections c JOIN integration_providers p ON p.id = c.provider_id";
    private final JdbcClient jdbc;
    private final Json json;
    private final Providers providers;
    private final Credentials credentials;
    private final Organizations organizations;
    private final JsonSchemas schemas;
    private final AuditTrail audit;
    private final CacheInvalidation invalidation;
    private final int defaultIntervalSeconds;
    /**
     * Live connections by id, for the proxy's per-call lookup. Every change of a connection's status, configuration or
     * deletion publishes CACHE_TOPIC in its transaction, so every node drops its copy at commit; health fields (which the
     * proxy does not read) may lag until then or the expiry. Only rows found are kept: made-up ids cannot fill it.
     */
    private final Cache<String, Connection> live;

    Connections(JdbcClient jdbc, Json json, Providers providers, Credentials credentials, Organizations organizations, JsonSchemas schemas,
                AuditTrail audit, CacheInvalidation invalidation, IntegrationsProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.providers = providers;
        this.credentials = credentials;
        this.organizations = organizations;
        this.schemas = schemas;
        this.audit = audit;
        this.invalidation = invalidation;
        this.defaultIntervalSeconds = properties.health().defaultIntervalSeconds();
        this.live = Caffeine.newBuilder().maximumSize(properties.proxy().connectionCacheMaxEntries()).expireAfterWrite(Duration.ofMinutes(10)).build();
        invalidation.subscribe(CACHE_TOPIC, live::invalidate, live::invalidateAll);
    }

    public Connection get(String organizationId, String id) {
        Connection connection = find(organizationId, id).orElseThrow(() -> ApiException.notFound("connection", id));
        return connection.withMissing(credentials.missing(connection.id(), providers.get(connection.providerId())));
    }

    public Optional<Connection> find(String organizationId, String id) {
        if (!Ids.looksLike("con", id)) return Optional.empty();
        return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE c.id = ? AND c.organization_id = ? AND c.deleted_at IS NULL")
                .params(id, organizationId).query(Connections::map).optional();
    }

    /**
     * As {@link #find}, from this node's cache (no query once cached; dropped on every node when the connection changes):
     * for the proxy, which reads only the connection's status, provider and configuration.
     */
    public Optional<Connection> findCached(String organizationId, String id) {
        if (!Ids.looksLike("con", id)) return Optional.empty();
        Connection cached = live.getIfPresent(id);
        if (cached == null) {
            // Loaded through the cache so a change committed meanwhile (its invalidation waits for the load) is not missed.
            cached = live.get(id, key -> findAny(key).orElse(null));
        }
        return cached != null && cached.organizationId().equals(organizationId) ? Optional.of(cached) : Optional.empty();
    }

    /** Any organization's live connection (the scheduler and the console's cross-organization views). */
    public Optional<Connection> findAny(String id) {
        if (!Ids.looksLike("con", id)) return Optional.empty();
        return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE c.id = ? AND c.deleted_at IS NULL").param(id).query(Connections::map).optional();
    }

    /** @param organizationId null: every organization's (operators' overview) */
    public PageResult<Connection> list(String organizationId, PageQuery page, String provider, ConnectionStatus status,
                                       ConnectionEnvironment environment, HealthStatus health) {
        StringBuilder where = new StringBuilder(" WHERE c.deleted_at IS NULL");
        List<Object> params = new ArrayList<>();
        if (organizationId != null) {
            where.append(" AND c.organization_id = ?");
            params.add(organizationId);
        }
        if (provider != null) {
            where.append(" AND (p.provider_name = ? OR p.id = ?)");
            params.add(provider);
            params.add(provider);
        }
        filter(where, params, "c.status", status);
        filter(where, params, "c.environment", environment);
        filter(where, params, "c.health_status", health);
        long total = jdbc.sql("SELECT count(*)" + FROM + where).params(params).query(Long.class).single();
        List<Connection> items = jdbc.sql("SELECT " + COLUMNS + FROM + where + " ORDER BY c.created_at DESC, c.id DESC LIMIT "
                + page.perPage() + " OFFSET " + page.offset()).params(params).query(Connections::map).list();
        return page.result(items, total);
    }

    @Transactional
    public Connection create(String organizationId, ConnectionRequest request) {
        organizations.get(organizationId);
        List<FieldProblem> problems = new ArrayList<>();
        if (request.provider() == null) problems.add(new FieldProblem("provider", "is required"));
        if (request.connectionName() == null) problems.add(new FieldProblem("connection_name", "is required"));
        ProviderChecks.path(request.healthCheckPath(), "health_check_path", problems);
        ProviderChecks.throwIfAny(problems);
        Provider provider = providers.connectable(request.provider(), organizationId);
        Map<String, Object> configuration = request.configuration() == null ? Map.of() : request.configuration();
        schemas.validate(provider.configurationSchema(), configuration, "configuration");
        ConnectionEnvironment environment = request.environment() == null ? ConnectionEnvironment.PRODUCTION : request.environment();
        boolean primary = Boolean.TRUE.equals(request.isPrimary());
        if (primary) demotePrimary(organizationId, provider.id(), environment, null);
        HealthCheckType checkType = request.healthCheckType() != null ? request.healthCheckType() : defaultCheck(provider);
        String id = Ids.next("con");
        Actor actor = RequestContext.actor();
        jdbc.sql("""
                INSERT INTO integration_connections (id, organization_id, provider_id, connection_name, environment, configuration, is_primary,
                  health_check_type, health_check_interval_seconds, health_check_path, created_by)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)""")
                .params(id, organizationId, provider.id(), request.connectionName().strip(), lower(environment), json.write(configuration), primary,
                        lower(checkType), request.healthCheckIntervalSeconds() == null ? defaultIntervalSeconds : request.healthCheckIntervalSeconds(),
                        request.healthCheckPath(), actor.type() + ":" + actor.id())
                .update();
        if (request.credentials() != null) {
            request.credentials().forEach((key, value) -> credentials.setInTransaction(id, key, value, "credentials." + key));
        }
        Connection created = get(organizationId, id);
        audit.record("integration_connection.created", "integration_connection", id, null, created);
        return created;
    }

    @Transactional
    public Connection update(String organizationId, String id, ConnectionRequest request) {
        Connection before = lock(organizationId, id);
        if (request.provider() != null && !request.provider().equals(before.providerName()) && !request.provider().equals(before.providerId())) {
            throw ApiException.invalidField("provider", "cannot be changed: create a new connection");
        }
        if (request.credentials() != null) throw ApiException.invalidField("credentials", "are set through the connection's credentials");
        List<FieldProblem> problems = new ArrayList<>();
        ProviderChecks.path(request.healthCheckPath(), "health_check_path", problems);
        ProviderChecks.throwIfAny(problems);
        Provider provider = providers.get(before.providerId());
        if (request.configuration() != null) schemas.validate(provider.configurationSchema(), request.configuration(), "configuration");
        ConnectionEnvironment environment = request.environment() == null ? before.environment() : request.environment();
        boolean primary = request.isPrimary() == null ? before.isPrimary() : request.isPrimary();
        if (primary && (!before.isPrimary() || environment != before.environment())) demotePrimary(organizationId, provider.id(), environment, id);
        jdbc.sql("""
                UPDATE integration_connections SET connection_name = coalesce(?, connection_name), environment = ?,
                  configuration = coalesce(?::jsonb, configuration), is_primary = ?, health_check_type = coalesce(?, health_check_type),
                  health_check_interval_seconds = coalesce(?, health_check_interval_seconds), health_check_path = coalesce(?, health_check_path),
                  updated_at = now()
                WHERE id = ?""")
                .params(request.connectionName() == null ? null : request.connectionName().strip(), lower(environment),
                        json.write(request.configuration()), primary, lower(request.healthCheckType()), request.healthCheckIntervalSeconds(),
                        request.healthCheckPath(), id)
                .update();
        invalidation.publish(CACHE_TOPIC, id);
        Connection after = get(organizationId, id);
        audit.record("integration_connection.updated", "integration_connection", id, before, after);
        return after;
    }

    /** Switched off: no calls, no health checks; its credentials stay for a later activation. */
    @Transactional
    public Connection deactivate(String organizationId, String id) {
        Connection before = lock(organizationId, id);
        jdbc.sql("UPDATE integration_connections SET status = 'inactive', disconnected_at = now(), next_check_at = NULL, updated_at = now() WHERE id = ?")
                .param(id).update();
        invalidation.publish(CACHE_TOPIC, id);
        Connection after = get(organizationId, id);
        audit.record("integration_connection.deactivated", "integration_connection", id, before, after);
        return after;
    }

    /** Gone for good: its secrets are deleted at once; its logs, health history and analytics stay for their retention. */
    @Transactional
    public void delete(String organizationId, String id) {
        Connection before = lock(organizationId, id);
        credentials.deleteAll(id);
        jdbc.sql("DELETE FROM integration_oauth_tokens WHERE connection_id = ?").param(id).update();
        jdbc.sql("DELETE FROM integration_oauth_states WHERE connection_id = ?").param(id).update();
        jdbc.sql("""
                UPDATE integration_connections SET deleted_at = now(), status = 'inactive', is_primary = false, disconnected_at = coalesce(disconnected_at, now()),
                  next_check_at = NULL, updated_at = now() WHERE id = ?""").param(id).update();
        invalidation.publish(CACHE_TOPIC, id);
        audit.record("integration_connection.deleted", "integration_connection", id, before, null);
    }

    /** Locks the organization's live connection row for a change. */
    Connection lock(String organizationId, String id) {
        if (!Ids.looksLike("con", id)) throw ApiException.notFound("connection", id);
        return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE c.id = ? AND c.organization_id = ? AND c.deleted_at IS NULL FOR UPDATE OF c")
                .params(id, organizationId).query(Connections::map).optional().orElseThrow(() -> ApiException.notFound("connection", id));
    }

    /** How many live connections an organization has (its deletion waits for none to be active). */
    long countActive(String organizationId) {
        return jdbc.sql("SELECT count(*) FROM integration_connections WHERE organization_id = ? AND deleted_at IS NULL AND status IN ('active', 'testing', 'error')")
                .param(organizationId).query(Long.class).single();
    }

    /** The partial unique index is the guarantee; this moves the flag so that a deliberate change is not refused. */
    private void demotePrimary(String organizationId, String providerId, ConnectionEnvironment environment, String except) {
        jdbc.sql("""
                UPDATE integration_connections SET is_primary = false, updated_at = now()
                WHERE organization_id = ? AND provider_id = ? AND environment = ? AND is_primary AND deleted_at IS NULL AND id <> ?""")
                .params(organizationId, providerId, lower(environment), except == null ? "" : except).update();
    }

    static HealthCheckType defaultCheck(Provider provider) {
        boolean authenticates = provider.healthCheckPath() != null || provider.authStyle() == AuthStyle.CLIENT_CREDENTIALS;
        return authenticates && provider.authStyle() != AuthStyle.NONE ? HealthCheckType.AUTHENTICATION : HealthCheckType.PING;
    }

    private static void filter(StringBuilder where, List<Object> params, String column, Enum<?> value) {
        if (value == null) return;
        where.append(" AND ").append(column).append(" = ?");
        params.add(lower(value));
    }

    static Connection map(ResultSet rs, int row) throws SQLException {
        return new Connection(rs.getString("id"), rs.getString("organization_id"), rs.getString("provider_id"), rs.getString("provider_name"),
                ProviderType.valueOf(rs.getString("provider_type").toUpperCase()), rs.getString("connection_name"), ConnectionStatus.valueOf(rs.getString("status").toUpperCase()),
                ConnectionEnvironment.valueOf(rs.getString("environment").toUpperCase()), JsonText.map(rs.getString("configuration")),
                rs.getBoolean("is_primary"), HealthStatus.valueOf(rs.getString("health_status").toUpperCase()), instant(rs, "last_health_check"),
                HealthCheckType.valueOf(rs.getString("health_check_type").toUpperCase()), rs.getInt("health_check_interval_seconds"),
                rs.getString("health_check_path"), instant(rs, "next_check_at"), rs.getString("error_message"), instant(rs, "connected_at"),
                instant(rs, "disconnected_at"), rs.getString("created_by"), instant(rs, "created_at"), instant(rs, "updated_at"), null);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static String lower(Enum<?> value) {
        return value == null ? null : value.name().toLowerCase();
    }
}
