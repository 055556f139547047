package io.tollgate.webhooks;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.SecretBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The webhook_endpoints table. Secrets are sealed with the row id and column as context, so a sealed
 * secret copied to another endpoint (or from previous_secret to secret) does not open.
 */
@Component
class EndpointStore {
    private final JdbcClient jdbc;
    private final Json json;
    private final SecretBox box;

    EndpointStore(JdbcClient jdbc, Json json, SecretBox box) {
        this.jdbc = jdbc;
        this.json = json;
        this.box = box;
    }

    static String secretContext(String endpointId) {
        return "webhook_endpoints:" + endpointId + ":secret";
    }

    static String previousSecretContext(String endpointId) {
        return "webhook_endpoints:" + endpointId + ":previous_secret";
    }

    record New(String id, String organizationId, String url, String description, List<String> eventTypes, boolean active,
               Integer rateLimitPerSecond, Map<String, String> headers, boolean ordered, String secret) {}

    void insert(New e) {
        jdbc.sql("""
                INSERT INTO webhook_endpoints (id, organization_id, url, description, event_types, active, rate_limit_per_second, headers,
                  ordered, secret)
                VALUES (?, ?, ?, ?, ?::text[], ?, ?, ?::jsonb, ?, ?)""")
                .params(e.id(), e.organizationId(), e.url(), e.description(), e.eventTypes().toArray(String[]::new), e.active(),
                        e.rateLimitPerSecond(), json.write(e.headers()), e.ordered(), box.seal(e.secret(), secretContext(e.id())))
                .update();
    }

    Optional<WebhookEndpoint> find(String organizationId, String id) {
        if (!Ids.looksLike("whe", id)) return Optional.empty();
        return jdbc.sql("SELECT * FROM webhook_endpoints WHERE id = ? AND organization_id = ? AND deleted_at IS NULL")
                .params(id, organizationId).query(this::map).optional();
    }

    WebhookEndpoint get(String organizationId, String id) {
        return find(organizationId, id).orElseThrow(() -> ApiException.notFound("webhook_endpoint", id));
    }

    /** The row locked for a change; 404 unless it is a live endpoint of this organization. */
    WebhookEndpoint lock(String organizationId, String id) {
        if (!Ids.looksLike("whe", id)) throw ApiException.notFound("webhook_endpoint", id);
        return jdbc.sql("SELECT * FROM webhook_endpoints WHERE id = ? AND organization_id = ? AND deleted_at IS NULL FOR UPDATE")
                .params(id, organizationId).query(this::map).optional().orElseThrow(() -> ApiException.notFound("webhook_endpoint", id));
    }

    PageResult<WebhookEndpoint> list(String organizationId, PageQuery page) {
        return OrganizationRows.list(jdbc, OrganizationRows.ENDPOINTS, organizationId, page, this::map);
    }

    long count(String organizationId) {
        return OrganizationRows.count(jdbc, OrganizationRows.ENDPOINTS, organizationId);
    }

    /** One statement per change; assignments name columns, params their values. */
    void update(String id, String assignments, Object... params) {
        OrganizationRows.update(jdbc, OrganizationRows.ENDPOINTS, id, assignments, params);
    }

    /** The current secret, opened: for a rotation, which keeps it as the previous one. */
    String openSecret(String id) {
        String sealed = jdbc.sql("SELECT secret FROM webhook_endpoints WHERE id = ?").param(id).query(String.class).single();
        return box.open(sealed, secretContext(id));
    }

    void rotate(String id, String newSecret, String previousSecret, Instant previousExpiresAt) {
        jdbc.sql("""
                UPDATE webhook_endpoints SET secret = ?, previous_secret = ?, previous_secret_expires_at = ?, updated_at = now() WHERE id = ?""")
                .params(box.seal(newSecret, secretContext(id)),
                        previousSecret == null ? null : box.seal(previousSecret, previousSecretContext(id)),
                        previousExpiresAt == null ? null : Timestamp.from(previousExpiresAt), id)
                .update();
    }

    private WebhookEndpoint map(ResultSet rs, int row) throws SQLException {
        boolean active = rs.getBoolean("active");
        Timestamp disabled = rs.getTimestamp("disabled_at");
        String status = !active ? "inactive" : disabled != null ? "disabled" : "enabled";
        Map<String, String> headers = new LinkedHashMap<>();
        json.readMap(rs.getString("headers")).forEach((k, v) -> headers.put(k, String.valueOf(v)));
        Integer rate = (Integer) rs.getObject("rate_limit_per_second");
        return new WebhookEndpoint(rs.getString("id"), rs.getString("organization_id"), rs.getString("url"), rs.getString("description"),
                List.of((String[]) rs.getArray("event_types").getArray()), status, active, instant(disabled), rs.getString("disabled_reason"),
                rate, headers, rs.getBoolean("ordered"), instant(rs.getTimestamp("previous_secret_expires_at")),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
