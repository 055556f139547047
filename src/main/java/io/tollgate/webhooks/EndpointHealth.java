package io.tollgate.webhooks;

import io.tollgate.audit.AuditTrail;
import io.tollgate.platform.CacheInvalidation;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps each endpoint's run of failures (failing_since: the first failed attempt after the last
 * success) and disables an endpoint that answered 410 Gone or has failed every attempt for
 * TOLLGATE_WEBHOOK_DISABLE_AFTER_DAYS. Disabling holds its pending deliveries (kept for recovery),
 * is audited, and tells the organization with a webhook_endpoint.disabled event — all in the
 * transaction that records the attempt that decided it.
 */
@Component
class EndpointHealth {
    private static final Logger log = LoggerFactory.getLogger(EndpointHealth.class);
    private final JdbcClient jdbc;
    private final DeliveryStore deliveries;
    private final AuditTrail audit;
    private final Outbox outbox;
    private final CacheInvalidation invalidation;
    private final Duration disableAfter;

    EndpointHealth(JdbcClient jdbc, DeliveryStore deliveries, AuditTrail audit, Outbox outbox, CacheInvalidation invalidation,
                   WebhookProperties properties) {
        this.jdbc = jdbc;
        this.deliveries = deliveries;
        this.audit = audit;
        this.outbox = outbox;
        this.invalidation = invalidation;
        this.disableAfter = Duration.ofDays(properties.disableAfterDays());
    }

    /** One endpoint's attempts in a batch, in time order, folded. */
    private static final class Run {
        Instant lastSuccess;
        Instant lastFailure;
        Instant firstFailureAfterSuccess;
        boolean succeededInBatch;
        boolean endsFailing;
        boolean gone;
    }

    void apply(List<DeliveryResult> results, Instant now) {
        Map<String, Run> runs = new TreeMap<>(); // endpoint id order: the rows are locked in it
        results.stream().filter(DeliveryResult::attempted).sorted(Comparator.comparing(DeliveryResult::attemptedAt)).forEach(r -> {
            Run run = runs.computeIfAbsent(r.claimed().endpointId(), k -> new Run());
            if (r.outcome() == DeliveryResult.Outcome.SUCCEEDED) {
                run.lastSuccess = r.attemptedAt();
                run.firstFailureAfterSuccess = null;
                run.succeededInBatch = true;
                run.endsFailing = false;
            } else {
                run.lastFailure = r.attemptedAt();
                if (run.firstFailureAfterSuccess == null) run.firstFailureAfterSuccess = r.attemptedAt();
                run.endsFailing = true;
                run.gone |= r.outcome() == DeliveryResult.Outcome.GONE;
            }
        });
        if (runs.isEmpty()) return;
        int n = runs.size();
        String[] ids = runs.keySet().toArray(String[]::new);
        Timestamp[] failingSince = new Timestamp[n], lastSuccess = new Timestamp[n], lastFailure = new Timestamp[n];
        boolean[] reset = new boolean[n];
        List<String> failing = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, Run> e : runs.entrySet()) {
            Run run = e.getValue();
            failingSince[i] = run.firstFailureAfterSuccess == null ? null : Timestamp.from(run.firstFailureAfterSuccess);
            lastSuccess[i] = run.lastSuccess == null ? null : Timestamp.from(run.lastSuccess);
            lastFailure[i] = run.lastFailure == null ? null : Timestamp.from(run.lastFailure);
            reset[i] = run.succeededInBatch;
            if (run.endsFailing) failing.add(e.getKey());
            if (run.gone) gone.add(e.getKey());
            i++;
        }
        // A success in the batch restarts the run (failing_since: the first failure after it, or none);
        // otherwise the run goes on from its first failure, however long ago.
        jdbc.sql("INSERT INTO webhook_endpoint_health (endpoint_id) SELECT unnest(?::text[]) ORDER BY 1 ON CONFLICT DO NOTHING").param(ids).update();
        jdbc.sql("""
                UPDATE webhook_endpoint_health h SET
                  failing_since = CASE WHEN t.r THEN t.f ELSE coalesce(h.failing_since, t.f) END,
                  last_success_at = greatest(h.last_success_at, t.s), last_failure_at = greatest(h.last_failure_at, t.l)
                FROM unnest(?::text[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::boolean[]) AS t(i, f, s, l, r)
                WHERE h.endpoint_id = t.i""")
                .params(ids, failingSince, lastSuccess, lastFailure, reset).update();
        if (!gone.isEmpty()) disable(gone, "gone", null, now);
        failing.removeAll(gone);
        if (!failing.isEmpty()) disable(failing, "failing", now.minus(disableAfter), now);
    }

    /** failingBefore: only endpoints failing since then (null: all of them). */
    private void disable(List<String> endpointIds, String reason, Instant failingBefore, Instant now) {
        List<Map<String, Object>> disabled = jdbc.sql("""
                UPDATE webhook_endpoints e SET disabled_at = ?, disabled_reason = ?, updated_at = now()
                FROM webhook_endpoint_health h
                WHERE h.endpoint_id = e.id AND e.id = ANY(?) AND e.disabled_at IS NULL AND e.deleted_at IS NULL AND e.active
                  AND (cast(? AS timestamptz) IS NULL OR h.failing_since <= ?)
                RETURNING e.id, e.organization_id, e.url, h.failing_since""")
                .params(Timestamp.from(now), reason, endpointIds.toArray(String[]::new),
                        failingBefore == null ? null : Timestamp.from(failingBefore), failingBefore == null ? null : Timestamp.from(failingBefore))
                .query((rs, row) -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("id", rs.getString("id"));
                    data.put("url", rs.getString("url"));
                    data.put("reason", reason);
                    data.put("disabled_at", now.toString());
                    Timestamp since = rs.getTimestamp("failing_since");
                    data.put("failing_since", since == null ? null : since.toInstant().toString());
                    data.put("organization_id", rs.getString("organization_id"));
                    return data;
                })
                .list();
        for (Map<String, Object> d : disabled) {
            String id = (String) d.get("id");
            String organizationId = (String) d.remove("organization_id");
            int held = deliveries.hold(id);
            invalidation.publish(EndpointConfigs.CACHE_TOPIC, id);
            audit.record("webhook_endpoint.disabled", "webhook_endpoint", id, Map.of("status", "enabled"), d);
            outbox.publish(organizationId, "webhook_endpoint.disabled", () -> d);
            log.warn("Webhook endpoint {} disabled ({}); {} undelivered events held for recovery", id, reason, held);
        }
    }
}
