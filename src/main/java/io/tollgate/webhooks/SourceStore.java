package io.tollgate.webhooks;

import static io.tollgate.webhooks.EndpointStore.instant;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** webhook_sources and webhook_events: inbound sources, and what came through them. */
@Component
class SourceStore {
    private final JdbcClient jdbc;
    private final Json json;
    private final SecretBox box;

    SourceStore(JdbcClient jdbc, Json json, SecretBox box) {
        this.jdbc = jdbc;
        this.json = json;
        this.box = box;
    }

    static String secretContext(String sourceId) {
        return "webhook_sources:" + sourceId + ":secret";
    }

    record New(String id, String organizationId, String name, String token, InboundScheme scheme, String secret, String signatureHeader,
               int toleranceSeconds, boolean forward, boolean active) {}

    void insert(New s) {
        jdbc.sql("""
                INSERT INTO webhook_sources (id, organization_id, name, token, scheme, secret, signature_header, tolerance_seconds, forward, active)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(s.id(), s.organizationId(), s.name(), s.token(), s.scheme().name().toLowerCase(), box.seal(s.secret(), secretContext(s.id())),
                        s.signatureHeader(), s.toleranceSeconds(), s.forward(), s.active())
                .update();
    }

    Optional<WebhookSource> find(String organizationId, String id) {
        if (!Ids.looksLike("whs", id)) return Optional.empty();
        return jdbc.sql("SELECT * FROM webhook_sources WHERE id = ? AND organization_id = ? AND deleted_at IS NULL")
                .params(id, organizationId).query(this::map).optional();
    }

    WebhookSource get(String organizationId, String id) {
        return find(organizationId, id).orElseThrow(() -> ApiException.notFound("webhook_source", id));
    }

    /** What the intake needs: the live, active source behind a token, with its secret opened. */
    record Intake(WebhookSource source, String secret) {}

    Optional<Intake> byToken(String token) {
        return jdbc.sql("SELECT * FROM webhook_sources WHERE token = ? AND deleted_at IS NULL AND active").param(token)
                .query((rs, i) -> new Intake(map(rs, i), box.open(rs.getString("secret"), secretContext(rs.getString("id"))))).optional();
    }

    Optional<WebhookSource> byId(String id) {
        return jdbc.sql("SELECT * FROM webhook_sources WHERE id = ?").param(id).query(this::map).optional();
    }

    PageResult<WebhookSource> list(String organizationId, PageQuery page) {
        return OrganizationRows.list(jdbc, OrganizationRows.SOURCES, organizationId, page, this::map);
    }

    long count(String organizationId) {
        return OrganizationRows.count(jdbc, OrganizationRows.SOURCES, organizationId);
    }

    void update(String id, String assignments, Object... params) {
        OrganizationRows.update(jdbc, OrganizationRows.SOURCES, id, assignments, params);
    }

    void replaceSecret(String id, String secret) {
        update(id, "secret = ?", box.seal(secret, secretContext(id)));
    }

    /** Stores a verified event once per (source, event id): false when it was there already. */
    boolean store(String id, WebhookSource source, String eventId, String eventType, String payloadJson, Map<String, String> headers,
                  String signature, Instant receivedAt) {
        return jdbc.sql("""
                INSERT INTO webhook_events (id, source_id, organization_id, event_id, event_type, payload, headers, signature, signature_verified,
                  processing_status, next_attempt_at, received_at)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, true, 'pending', ?, ?)
                ON CONFLICT (source_id, event_id) DO NOTHING""")
                .params(id, source.id(), source.organizationId(), eventId, eventType, payloadJson, json.write(headers), signature,
                        Timestamp.from(receivedAt), Timestamp.from(receivedAt))
                .update() == 1;
    }

    Optional<String> eventIdOf(String sourceId, String providerEventId) {
        return jdbc.sql("SELECT id FROM webhook_events WHERE source_id = ? AND event_id = ?").params(sourceId, providerEventId)
                .query(String.class).optional();
    }

    /** Due events (pending, retrying, or processing whose node died), now processing until leaseEnd. */
    List<InboundEvent> claim(int limit, Instant now, Instant leaseEnd) {
        return jdbc.sql("""
                UPDATE webhook_events e SET processing_status = 'processing', next_attempt_at = ?
                FROM (SELECT id FROM webhook_events WHERE processing_status IN ('pending', 'retrying', 'processing') AND next_attempt_at <= ?
                      ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) due
                WHERE e.id = due.id RETURNING e.*""")
                .params(Timestamp.from(leaseEnd), Timestamp.from(now), limit).query(this::mapEvent).list();
    }

    void completed(String id, Instant at) {
        jdbc.sql("""
                UPDATE webhook_events SET processing_status = 'completed', processed_at = ?, next_attempt_at = NULL, error_message = NULL
                WHERE id = ?""").params(Timestamp.from(at), id).update();
    }

    /** next null: no attempts left, failed. */
    void failed(String id, String error, Instant next) {
        jdbc.sql("""
                UPDATE webhook_events SET processing_status = ?, retry_count = retry_count + 1, error_message = left(?, 1000), next_attempt_at = ?
                WHERE id = ?""").params(next == null ? "failed" : "retrying", error, next == null ? null : Timestamp.from(next), id).update();
    }

    /** An event that failed, processed again at once (after the cause was fixed). */
    boolean retry(String sourceId, String id, Instant now) {
        return jdbc.sql("""
                UPDATE webhook_events SET processing_status = 'pending', retry_count = 0, next_attempt_at = ?, error_message = NULL
                WHERE id = ? AND source_id = ? AND processing_status = 'failed'""").params(Timestamp.from(now), id, sourceId).update() == 1;
    }

    PageResult<InboundEvent> events(String sourceId, String status, PageQuery page) {
        String where = " WHERE source_id = ?" + (status == null ? "" : " AND processing_status = ?");
        List<Object> params = new ArrayList<>(List.of(sourceId));
        if (status != null) params.add(status);
        long total = jdbc.sql("SELECT count(*) FROM webhook_events" + where).params(params).query(Long.class).single();
        params.add(page.perPage());
        params.add(page.offset());
        List<InboundEvent> items = jdbc.sql("SELECT * FROM webhook_events" + where + " ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?")
                .params(params).query(this::mapEvent).list();
        return page.result(items, total);
    }

    InboundEvent event(String sourceId, String id) {
        return jdbc.sql("SELECT * FROM webhook_events WHERE id = ? AND source_id = ?").params(id, sourceId).query(this::mapEvent).optional()
                .orElseThrow(() -> ApiException.notFound("inbound_event", id));
    }

    private WebhookSource map(ResultSet rs, int row) throws SQLException {
        return new WebhookSource(rs.getString("id"), rs.getString("organization_id"), rs.getString("name"), "/webhooks/in/" + rs.getString("token"),
                InboundScheme.valueOf(rs.getString("scheme").toUpperCase()), rs.getString("signature_header"), rs.getInt("tolerance_seconds"),
                rs.getBoolean("forward"), rs.getBoolean("active"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
    }

    private InboundEvent mapEvent(ResultSet rs, int row) throws SQLException {
        return new InboundEvent(rs.getString("id"), rs.getString("source_id"), rs.getString("organization_id"), rs.getString("event_id"),
                rs.getString("event_type"), json.readMap(rs.getString("payload")), rs.getString("processing_status"), rs.getInt("retry_count"),
                rs.getString("error_message"), instant(rs.getTimestamp("next_attempt_at")), instant(rs.getTimestamp("processed_at")),
                instant(rs.getTimestamp("received_at")));
    }
}
