package io.tollgate.integrations;

import io.tollgate.audit.AuditTrail;
import io.tollgate.integrations.internal.HealthProbe;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Health of connections: checks on demand, activation (a check that must pass), the history, and the recording
 * every check goes through — which is where a change of status becomes an {@link IntegrationHealthChanged} event
 * and an audit entry, in the transaction that records the check (the connection row is locked, so two checks
 * finishing together report one change, not two).
 */
@Service
public class HealthChecks {
    private final JdbcClient jdbc;
    private final Json json;
    private final Connections connections;
    private final Providers providers;
    private final Credentials credentials;
    private final HealthProbe probe;
    private final AuditTrail audit;
    private final ApplicationEventPublisher events;
    private final CacheInvalidation invalidation;
    private final TransactionTemplate transactions;
    private final Clock clock;

    HealthChecks(JdbcClient jdbc, Json json, Connections connections, Providers providers, Credentials credentials, HealthProbe probe,
                 AuditTrail audit, ApplicationEventPublisher events, CacheInvalidation invalidation, TransactionTemplate transactions, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.connections = connections;
        this.providers = providers;
        this.credentials = credentials;
        this.probe = probe;
        this.audit = audit;
        this.events = events;
        this.invalidation = invalidation;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Checks now with the connection's check type (or {@code type}), records and returns the result. */
    public HealthResult run(String organizationId, String connectionId, HealthCheckType type) {
        Connection connection = connections.get(organizationId, connectionId);
        return check(connection, type == null ? connection.healthCheckType() : type);
    }

    /** The scheduler's entry: any organization's connection, its own check type. */
    public HealthResult runScheduled(String connectionId) {
        return connections.findAny(connectionId).map(c -> check(c, c.healthCheckType())).orElse(null);
    }

    /**
     * Activates a connection: its credentials (or OAuth tokens) must be there, then a check runs while it is
     * {@code testing}; a healthy or degraded result makes it active (and scheduled), down makes it error.
     */
    public Connection activate(String organizationId, String connectionId) {
        Connection before = transactions.execute(tx -> {
            Connection locked = connections.lock(organizationId, connectionId);
            Provider provider = providers.get(locked.providerId());
            List<String> missing = credentials.missing(connectionId, provider);
            if (!missing.isEmpty()) {
                throw new ApiException(HttpStatus.CONFLICT, "CONNECTION_INCOMPLETE", "Set the connection's credentials first: " + String.join(", ", missing),
                        Map.of("missing_credentials", missing), Map.of());
            }
            if (provider.authStyle() == AuthStyle.OAUTH2 && jdbc.sql("SELECT count(*) FROM integration_oauth_tokens WHERE connection_id = ? AND access_token IS NOT NULL")
                    .param(connectionId).query(Long.class).single() == 0) {
                throw new ApiException(HttpStatus.CONFLICT, "OAUTH_NOT_AUTHORIZED", "Authorize the connection with " + provider.displayName() + " first");
            }
            jdbc.sql("UPDATE integration_connections SET status = 'testing', updated_at = now() WHERE id = ?").param(connectionId).update();
            invalidation.publish(Connections.CACHE_TOPIC, connectionId);
            return locked;
        });
        HealthResult result = check(connections.get(organizationId, connectionId), before.healthCheckType());
        return transactions.execute(tx -> {
            connections.lock(organizationId, connectionId);
            boolean passed = result.status() != HealthStatus.DOWN;
            jdbc.sql("""
                    UPDATE integration_connections SET status = ?, error_message = ?, connected_at = CASE WHEN ? THEN now() ELSE connected_at END,
                      disconnected_at = NULL, next_check_at = CASE WHEN ? THEN now() + make_interval(secs => health_check_interval_seconds) END,
                      updated_at = now()
                    WHERE id = ?""")
                    .params(passed ? "active" : "error", passed ? null : "Activation check failed: " + result.errorMessage(), passed, passed, connectionId)
                    .update();
            invalidation.publish(Connections.CACHE_TOPIC, connectionId);
            Connection after = connections.get(organizationId, connectionId);
            audit.record(passed ? "integration_connection.activated" : "integration_connection.activation_failed", "integration_connection",
                    connectionId, before, after);
            return after;
        });
    }

    public PageResult<HealthResult> history(String organizationId, String connectionId, PageQuery page) {
        connections.get(organizationId, connectionId);
        long total = jdbc.sql("SELECT count(*) FROM integration_health WHERE connection_id = ?").param(connectionId).query(Long.class).single();
        List<HealthResult> items = jdbc.sql("SELECT * FROM integration_health WHERE connection_id = ? ORDER BY check_timestamp DESC, id DESC LIMIT "
                + page.perPage() + " OFFSET " + page.offset()).param(connectionId).query(this::map).list();
        return page.result(items, total);
    }

    private HealthResult check(Connection connection, HealthCheckType type) {
        Provider provider = providers.get(connection.providerId());
        HealthProbe.Outcome outcome = probe.check(connection, provider, type);
        return transactions.execute(tx -> record(connection, outcome));
    }

    private HealthResult record(Connection connection, HealthProbe.Outcome outcome) {
        String id = Ids.next("hck");
        Instant now = clock.instant();
        // The connection row first: the health row's foreign key would otherwise take a share lock that two checks
        // then both try to upgrade (a deadlock). NO KEY UPDATE does not conflict with foreign-key share locks.
        Map<String, Object> row = jdbc.sql("SELECT health_status, status FROM integration_connections WHERE id = ? FOR NO KEY UPDATE").param(connection.id())
                .query((rs, i) -> Map.<String, Object>of("health", rs.getString("health_status"), "status", rs.getString("status"))).single();
        jdbc.sql("""
                INSERT INTO integration_health (id, connection_id, check_timestamp, status, response_time_ms, error_message, http_status_code,
                  endpoint_tested, check_type, metadata)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""")
                .params(id, connection.id(), Timestamp.from(now), lower(outcome.status()), (int) Math.min(Integer.MAX_VALUE, outcome.responseTimeMillis()),
                        outcome.errorMessage(), outcome.httpStatus(), outcome.endpoint(), lower(outcome.checkType()), json.write(outcome.metadata()))
                .update();
        HealthStatus previous = HealthStatus.valueOf(((String) row.get("health")).toUpperCase());
        boolean keepsErrorReason = "error".equals(row.get("status"));
        jdbc.sql("""
                UPDATE integration_connections SET health_status = ?, last_health_check = ?,
                  error_message = CASE WHEN ? THEN error_message ELSE ? END, updated_at = now()
                WHERE id = ?""")
                .params(lower(outcome.status()), Timestamp.from(now), keepsErrorReason, outcome.errorMessage(), connection.id()).update();
        if (previous != outcome.status()) {
            IntegrationHealthChanged change = new IntegrationHealthChanged(connection.id(), connection.organizationId(), connection.providerName(),
                    connection.connectionName(), previous, outcome.status(), outcome.checkType(), outcome.httpStatus(), outcome.errorMessage(), now);
            events.publishEvent(change);
            Map<String, Object> before = new LinkedHashMap<>();
            before.put("health_status", lower(previous));
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("health_status", lower(outcome.status()));
            after.put("check_type", lower(outcome.checkType()));
            after.put("http_status_code", outcome.httpStatus());
            after.put("error_message", outcome.errorMessage());
            audit.record(IntegrationHealthChanged.TYPE, "integration_connection", connection.id(), before, after);
        }
        return new HealthResult(id, connection.id(), now, outcome.status(), (int) outcome.responseTimeMillis(), outcome.errorMessage(),
                outcome.httpStatus(), outcome.endpoint(), outcome.checkType(), outcome.metadata());
    }

    private HealthResult map(ResultSet rs, int row) throws SQLException {
        return new HealthResult(rs.getString("id"), rs.getString("connection_id"), rs.getTimestamp("check_timestamp").toInstant(),
                HealthStatus.valueOf(rs.getString("status").toUpperCase()), (Integer) rs.getObject("response_time_ms"), rs.getString("error_message"),
                (Integer) rs.getObject("http_status_code"), rs.getString("endpoint_tested"),
                rs.getString("check_type") == null ? null : HealthCheckType.valueOf(rs.getString("check_type").toUpperCase()),
                json.readMap(rs.getString("metadata")));
    }

    private static String lower(Enum<?> value) {
        return value == null ? null : value.name().toLowerCase();
    }
}
