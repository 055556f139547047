package io.tollgate.webhooks;

import static io.tollgate.webhooks.EndpointStore.instant;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The delivery queue and attempt log: claims, results, and what operators and customers look at. */
@Component
class DeliveryStore {
    static final int STATS_SAMPLE = 1_000;
    /** The 24-hour counts stop counting here, so a busy endpoint's page stays quick. */
    static final int STATS_DAY_CAP = 100_000;
    private final JdbcClient jdbc;
    private final Json json;

    DeliveryStore(JdbcClient jdbc, Json json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** A claimed delivery. runAttempts: attempts since it was last (re)queued, its place in the retry schedule. */
    record Claimed(String deliveryId, String messageId, String endpointId, Long sequence, int attempts, int runAttempts) {}

    /** What a claim took: the deliveries, and the bodies of their messages by message id. */
    record Claim(List<Claimed> deliveries, Map<String, String> bodies) {}

    /**
     * Claims up to limit due deliveries for this node: due (next_attempt_at passed), and for an ordered
     * endpoint only the pending delivery with the lowest sequence (so one at a time, in order). A claim
     * moves next_attempt_at to the lease's end: if this node dies, the delivery is due again then.
     * SKIP LOCKED lets every node claim side by side without waiting or taking the same row. The bodies
     * come in the same statement: a claim is one round trip between a commit and its send.
     */
    Claim claim(int limit, Instant now, Instant leaseEnd) {
        List<Claimed> claimed = new ArrayList<>();
        Map<String, String> bodies = new HashMap<>();
        jdbc.sql("""
                WITH due AS (
                  SELECT d.id FROM webhook_deliveries d
                  WHERE d.status = 'pending' AND d.next_attempt_at <= ?
                    AND (d.sequence IS NULL OR NOT EXISTS (
                      SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.status = 'pending'
                        AND p.sequence IS NOT NULL AND p.sequence < d.sequence))
                  ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED),
                claimed AS (
                  UPDATE webhook_deliveries d SET next_attempt_at = ?, updated_at = now() FROM due WHERE d.id = due.id
                  RETURNING d.id, d.message_id, d.endpoint_id, d.sequence, d.attempts, d.run_attempts)
                SELECT c.*, m.body FROM claimed c LEFT JOIN webhook_messages m ON m.id = c.message_id""")
                .params(Timestamp.from(now), limit, Timestamp.from(leaseEnd))
                .query(rs -> {
                    Claimed c = new Claimed(rs.getString(1), rs.getString(2), rs.getString(3), (Long) rs.getObject(4), rs.getInt(5), rs.getInt(6));
                    claimed.add(c);
                    String body = rs.getString(7);
                    if (body != null) bodies.put(c.messageId(), body);
                });
        return new Claim(claimed, bodies);
    }

    /**
     * Records results, set-based: one statement for the attempts, one for the deliveries. A success is
     * always recorded (it happened); any other result changes only a delivery still pending, so a late
     * answer never undoes a success, a hold or a resend decided meanwhile.
     */
    void record(List<DeliveryResult> results, String node) {
        List<DeliveryResult> attempted = results.stream().filter(DeliveryResult::attempted).toList();
        if (!attempted.isEmpty()) {
            int n = attempted.size();
            String[] ids = new String[n], deliveries = new String[n], endpoints = new String[n], messages = new String[n];
            String[] excerpts = new String[n], errors = new String[n];
            int[] numbers = new int[n], latencies = new int[n];
            boolean[] succeeded = new boolean[n];
            Integer[] statuses = new Integer[n];
            Timestamp[] at = new Timestamp[n];
            for (int i = 0; i < n; i++) {
                DeliveryResult r = attempted.get(i);
                ids[i] = Ids.next("wha");
                deliveries[i] = r.claimed().deliveryId();
                endpoints[i] = r.claimed().endpointId();
                messages[i] = r.claimed().messageId();
                numbers[i] = r.claimed().attempts() + 1;
                succeeded[i] = r.outcome() == DeliveryResult.Outcome.SUCCEEDED;
                statuses[i] = r.responseStatus();
                excerpts[i] = r.responseExcerpt();
                errors[i] = r.error();
                latencies[i] = r.latencyMillis();
                at[i] = Timestamp.from(r.attemptedAt());
            }
            jdbc.sql("""
                    INSERT INTO webhook_attempts (id, delivery_id, endpoint_id, message_id, attempt, succeeded, response_status, response_excerpt,
                      error, latency_millis, attempted_at, node)
                    SELECT *, cast(? AS text) FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::boolean[], ?::int[], ?::text[],
                      ?::text[], ?::int[], ?::timestamptz[])""")
                    .params(node, ids, deliveries, endpoints, messages, numbers, succeeded, statuses, excerpts, errors, latencies, at).update();
        }
        int n = results.size();
        String[] ids = new String[n], statuses = new String[n], errors = new String[n];
        Timestamp[] next = new Timestamp[n], delivered = new Timestamp[n];
        Integer[] codes = new Integer[n];
        int[] made = new int[n];
        for (int i = 0; i < n; i++) {
            DeliveryResult r = results.get(i);
            ids[i] = r.claimed().deliveryId();
            statuses[i] = r.nextStatus();
            next[i] = r.nextAttemptAt() == null ? null : Timestamp.from(r.nextAttemptAt());
            codes[i] = r.responseStatus();
            errors[i] = r.error();
            delivered[i] = r.outcome() == DeliveryResult.Outcome.SUCCEEDED ? Timestamp.from(r.attemptedAt()) : null;
            made[i] = r.attempted() ? 1 : 0;
        }
        jdbc.sql("""
                UPDATE webhook_deliveries d SET
                  status = CASE WHEN t.s = 'succeeded' OR d.status = 'pending' THEN t.s ELSE d.status END,
                  next_attempt_at = CASE WHEN t.s = 'pending' AND d.status = 'pending' THEN t.n ELSE d.next_attempt_at END,
                  attempts = d.attempts + t.m, run_attempts = d.run_attempts + t.m,
                  last_status_code = CASE WHEN t.m = 1 THEN t.c ELSE d.last_status_code END,
                  last_error = CASE WHEN t.m = 1 THEN t.e ELSE d.last_error END,
                  delivered_at = coalesce(t.a, d.delivered_at), updated_at = now()
                FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::int[], ?::text[], ?::timestamptz[], ?::int[]) AS t(i, s, n, c, e, a, m)
                WHERE d.id = t.i""")
                .params(ids, statuses, next, codes, errors, delivered, made).update();
    }

    /** The endpoint stops receiving (inactive, or disabled by Tollgate): what waits for it is held. */
    int hold(String endpointId) {
        return jdbc.sql("UPDATE webhook_deliveries SET status = 'held', updated_at = now() WHERE endpoint_id = ? AND status = 'pending'")
                .param(endpointId).update();
    }

    /** The endpoint is deleted: nothing will be delivered to it any more. */
    int failAll(String endpointId, String reason) {
        return jdbc.sql("""
                UPDATE webhook_deliveries SET status = 'failed', last_error = ?, updated_at = now()
                WHERE endpoint_id = ? AND status IN ('pending', 'held')""").params(reason, endpointId).update();
    }

    /** One event again, at once, with a fresh retry schedule (whatever its state: a customer may have lost it). */
    boolean resend(String endpointId, String messageId, Instant now) {
        return jdbc.sql("""
                UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, run_attempts = 0, updated_at = now()
                WHERE endpoint_id = ? AND message_id = ?""").params(Timestamp.from(now), endpointId, messageId).update() == 1;
    }

    /** Every failed or held delivery made since {@code since}, again at once with a fresh retry schedule. */
    int recover(String endpointId, Instant since, Instant now) {
        return jdbc.sql("""
                UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, run_attempts = 0, updated_at = now()
                WHERE endpoint_id = ? AND status IN ('failed', 'held') AND created_at >= ?""")
                .params(Timestamp.from(now), endpointId, Timestamp.from(since)).update();
    }

    /** status: one status, "undelivered" (pending, failed or held), or null for all. */
    PageResult<WebhookDelivery> list(String endpointId, String status, PageQuery page) {
        String where = " WHERE d.endpoint_id = ?" + switch (status == null ? "" : status) {
            case "" -> "";
            case "undelivered" -> " AND d.status <> 'succeeded'";
            default -> " AND d.status = ?";
        };
        List<Object> params = new ArrayList<>(List.of(endpointId));
        if (status != null && !status.equals("undelivered")) params.add(status);
        long total = jdbc.sql("SELECT count(*) FROM webhook_deliveries d" + where).params(params).query(Long.class).single();
        params.add(page.perPage());
        params.add(page.offset());
        List<WebhookDelivery> items = jdbc.sql("""
                SELECT d.*, m.event_type, NULL AS body FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id""" + where
                + " ORDER BY d.created_at DESC, d.id DESC LIMIT ? OFFSET ?").params(params).query(this::mapDelivery).list();
        return page.result(items, total);
    }

    WebhookDelivery get(String endpointId, String messageId) {
        return jdbc.sql("""
                SELECT d.*, m.event_type, m.body FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id
                WHERE d.endpoint_id = ? AND d.message_id = ?""").params(endpointId, messageId).query(this::mapDelivery).optional()
                .orElseThrow(() -> ApiException.notFound("webhook_event", messageId));
    }

    PageResult<WebhookAttempt> attempts(String endpointId, Boolean succeeded, PageQuery page) {
        String where = " WHERE endpoint_id = ?" + (succeeded == null ? "" : " AND succeeded = ?");
        List<Object> params = new ArrayList<>(List.of(endpointId));
        if (succeeded != null) params.add(succeeded);
        long total = jdbc.sql("SELECT count(*) FROM webhook_attempts" + where).params(params).query(Long.class).single();
        params.add(page.perPage());
        params.add(page.offset());
        List<WebhookAttempt> items = jdbc.sql("SELECT * FROM webhook_attempts" + where + " ORDER BY attempted_at DESC, id DESC LIMIT ? OFFSET ?")
                .params(params)
                .query((rs, i) -> new WebhookAttempt(rs.getString("id"), rs.getString("delivery_id"), rs.getString("message_id"),
                        rs.getInt("attempt"), rs.getBoolean("succeeded"), (Integer) rs.getObject("response_status"),
                        rs.getString("response_excerpt"), rs.getString("error"), rs.getInt("latency_millis"),
                        rs.getTimestamp("attempted_at").toInstant(), rs.getString("node")))
                .list();
        return page.result(items, total);
    }

    WebhookEndpointStats stats(String endpointId, Instant now) {
        long[] sample = jdbc.sql("""
                SELECT count(*), count(*) FILTER (WHERE succeeded) FROM (
                  SELECT succeeded FROM webhook_attempts WHERE endpoint_id = ? ORDER BY attempted_at DESC LIMIT ?) recent""")
                .params(endpointId, STATS_SAMPLE).query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
        long[] day = jdbc.sql("""
                SELECT count(*), count(*) FILTER (WHERE succeeded) FROM (
                  SELECT succeeded FROM webhook_attempts WHERE endpoint_id = ? AND attempted_at > ? LIMIT ?) today""")
                .params(endpointId, Timestamp.from(now.minus(Duration.ofDays(1))), STATS_DAY_CAP)
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).single();
        Map<String, Long> undelivered = new HashMap<>();
        jdbc.sql("SELECT status, count(*) FROM webhook_deliveries WHERE endpoint_id = ? AND status <> 'succeeded' GROUP BY status")
                .param(endpointId).query(rs -> { undelivered.put(rs.getString(1), rs.getLong(2)); });
        Instant[] health = jdbc.sql("SELECT last_success_at, failing_since FROM webhook_endpoint_health WHERE endpoint_id = ?").param(endpointId)
                .query((rs, i) -> new Instant[] {instant(rs.getTimestamp(1)), instant(rs.getTimestamp(2))}).optional()
                .orElse(new Instant[2]);
        return new WebhookEndpointStats(endpointId, sample[0] == 0 ? null : (double) sample[1] / sample[0], sample[0], day[0], day[1],
                undelivered.getOrDefault("pending", 0L), undelivered.getOrDefault("failed", 0L), undelivered.getOrDefault("held", 0L),
                health[0], health[1]);
    }

    private WebhookDelivery mapDelivery(ResultSet rs, int row) throws SQLException {
        String body = rs.getString("body");
        return new WebhookDelivery(rs.getString("id"), rs.getString("message_id"), rs.getString("event_type"), rs.getString("status"),
                (Long) rs.getObject("sequence"), rs.getInt("attempts"),
                "pending".equals(rs.getString("status")) ? instant(rs.getTimestamp("next_attempt_at")) : null,
                (Integer) rs.getObject("last_status_code"), rs.getString("last_error"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("delivered_at")), body == null ? null : json.readMap(body));
    }
}
