package io.tollgate.catalog;

import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** customer_apps in SQL. Every read names the catalog app too (one join within the module's own tables). */
@Component
class ActivationStore {
    private static final String SELECT = """
            SELECT c.*, a.name AS app_name FROM customer_apps c JOIN catalog_apps a ON a.id = c.app_id""";
    private final JdbcClient jdbc;
    private final Json json;

    /** A row with what only this module sees: the sealed embed key. */
    record Row(Activation activation, String embedKeySealed) {}

    ActivationStore(JdbcClient jdbc, Json json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<Row> lock(String organizationId, String appId) {
        return jdbc.sql(SELECT + " WHERE c.organization_id = ? AND c.app_id = ? FOR UPDATE OF c").params(organizationId, appId)
                .query(this::map).optional();
    }

    Optional<Row> find(String organizationId, String appId) {
        return jdbc.sql(SELECT + " WHERE c.organization_id = ? AND c.app_id = ?").params(organizationId, appId).query(this::map).optional();
    }

    Optional<Row> byId(String id) {
        return jdbc.sql(SELECT + " WHERE c.id = ?").param(id).query(this::map).optional();
    }

    /** False when another transaction inserted the same organization and app first (then lock() finds it). */
    boolean insertIfAbsent(String id, String organizationId, String appId, String activatedBy, Instant now) {
        return jdbc.sql("""
                INSERT INTO customer_apps (id, organization_id, app_id, status, activated_by, activated_at)
                VALUES (?, ?, ?, 'inactive', ?, ?) ON CONFLICT (organization_id, app_id) DO NOTHING""")
                .params(id, organizationId, appId, activatedBy, Timestamp.from(now)).update() == 1;
    }

    void makeActive(String id, Map<String, Object> configuration, List<String> origins, String activatedBy, String keyId, String keySealed,
                    Instant now) {
        jdbc.sql("""
                UPDATE customer_apps SET status = 'active', configuration = ?::jsonb, allowed_origins = ?::text[], activated_by = ?,
                  embed_key_id = ?, embed_key_sealed = ?, activated_at = ?, deactivated_at = NULL, updated_at = ?
                WHERE id = ?""")
                .params(json.write(configuration), origins.toArray(String[]::new), activatedBy, keyId, keySealed, Timestamp.from(now),
                        Timestamp.from(now), id)
                .update();
    }

    void reconfigure(String id, Map<String, Object> configuration, List<String> origins, Instant now) {
        jdbc.sql("UPDATE customer_apps SET configuration = ?::jsonb, allowed_origins = ?::text[], updated_at = ? WHERE id = ?")
                .params(json.write(configuration), origins.toArray(String[]::new), Timestamp.from(now), id).update();
    }

    void deactivate(String id, Instant now) {
        jdbc.sql("""
                UPDATE customer_apps SET status = 'inactive', deactivated_at = ?, embed_key_id = NULL, embed_key_sealed = NULL, updated_at = ?
                WHERE id = ?""").params(Timestamp.from(now), Timestamp.from(now), id).update();
    }

    /** The organization's active activations: catalog app id → activation id. The hot path's cache is filled from this. */
    Map<String, String> activeOf(String organizationId) {
        Map<String, String> out = new HashMap<>();
        jdbc.sql("SELECT app_id, id FROM customer_apps WHERE organization_id = ? AND status = 'active'").param(organizationId)
                .query(rs -> { out.put(rs.getString(1), rs.getString(2)); });
        return out;
    }

    /** Filters of a list; null means any. */
    record Filter(String organizationId, String appId, ActivationStatus status) {}

    PageResult<Activation> list(Filter filter, PageQuery page) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (filter.organizationId() != null) { where.append(" AND c.organization_id = ?"); params.add(filter.organizationId()); }
        if (filter.appId() != null) { where.append(" AND c.app_id = ?"); params.add(filter.appId()); }
        if (filter.status() != null) { where.append(" AND c.status = ?"); params.add(filter.status().name().toLowerCase()); }
        long total = jdbc.sql("SELECT count(*) FROM customer_apps c" + where).params(params).query(Long.class).single();
        List<Activation> items = jdbc.sql(SELECT + where + " ORDER BY c.activated_at DESC, c.id DESC LIMIT " + page.perPage()
                + " OFFSET " + page.offset()).params(params).query(this::map).list().stream().map(Row::activation).toList();
        return page.result(items, total);
    }

    private Row map(ResultSet rs, int row) throws SQLException {
        Activation activation = new Activation(rs.getString("id"), rs.getString("organization_id"), rs.getString("app_id"),
                rs.getString("app_name"), ActivationStatus.valueOf(rs.getString("status").toUpperCase()),
                json.readMap(rs.getString("configuration")), texts(rs.getArray("allowed_origins")), rs.getString("embed_key_id"),
                rs.getString("activated_by"), instant(rs, "activated_at"), instant(rs, "deactivated_at"), instant(rs, "last_used_at"),
                instant(rs, "created_at"), instant(rs, "updated_at"));
        return new Row(activation, rs.getString("embed_key_sealed"));
    }

    private static List<String> texts(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
