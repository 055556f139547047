package io.tollgate.integrations;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.audit.AuditTrail;
import io.tollgate.integrations.internal.IntegrationsProperties;
import io.tollgate.integrations.internal.RateWindows;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Per-connection rate limits, counted in PostgreSQL so the count is exact across nodes: a call locks the
 * connection's limit rows (in limit_type order, so two calls cannot deadlock), decides each with
 * {@link RateWindows}, and either spends one from every limit or none (a refusal by one spends nothing from the
 * others) — then commits. A refusal is 429 RATE_LIMITED with Retry-After (seconds to the end of the window).
 * The transaction commits without waiting for the WAL flush (see {@link #spend}).
 * Whether a connection has any limit at all is cached per node (dropped everywhere when its limits are replaced), so a
 * connection without limits costs a call no query and no transaction.
 */
@Service
public class ConnectionRateLimits {
    private final JdbcClient jdbc;
    private final Connections connections;
    private final AuditTrail audit;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final CacheInvalidation invalidation;
    /** Connection id → has at least one limit row. */
    private final Cache<String, Boolean> limited;
    static final String CACHE_TOPIC = "integration-rate-limits";

    ConnectionRateLimits(JdbcClient jdbc, Connections connections, AuditTrail audit, TransactionTemplate transactions, Clock clock,
                         CacheInvalidation invalidation, IntegrationsProperties properties) {
        this.jdbc = jdbc;
        this.connections = connections;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
        this.invalidation = invalidation;
        this.limited = Caffeine.newBuilder().maximumSize(properties.proxy().connectionCacheMaxEntries()).expireAfterWrite(Duration.ofMinutes(10)).build();
        invalidation.subscribe(CACHE_TOPIC, limited::invalidate, limited::invalidateAll);
    }

    public List<RateLimitView> list(String organizationId, String connectionId) {
        connections.get(organizationId, connectionId);
        return rows(connectionId);
    }

    /** Replaces the connection's limits with these (one per limit type; an empty list removes them all). */
    @Transactional
    public List<RateLimitView> replace(String organizationId, String connectionId, List<RateLimitRequest> limits) {
        connections.lock(organizationId, connectionId);
        EnumSet<LimitType> seen = EnumSet.noneOf(LimitType.class);
        for (int i = 0; i < limits.size(); i++) {
            if (!seen.add(limits.get(i).limitType())) throw ApiException.invalidField("limits[" + i + "].limit_type", "appears twice");
        }
        List<RateLimitView> before = rows(connectionId);
        List<String> kept = new ArrayList<>();
        for (RateLimitRequest limit : limits) {
            String type = limit.limitType().name().toLowerCase();
            kept.add(type);
            jdbc.sql("""
                    INSERT INTO integration_rate_limits (id, connection_id, limit_type, max_requests) VALUES (?, ?, ?, ?)
                    ON CONFLICT (connection_id, limit_type) DO UPDATE SET max_requests = excluded.max_requests,
                      is_exceeded = integration_rate_limits.current_usage >= excluded.max_requests AND integration_rate_limits.window_end > now(),
                      updated_at = now()""")
                    .params(Ids.next("irl"), connectionId, type, limit.maxRequests()).update();
        }
        jdbc.sql("DELETE FROM integration_rate_limits WHERE connection_id = ? AND NOT (limit_type = ANY (?))")
                .params(connectionId, kept.toArray(String[]::new)).update();
        List<RateLimitView> after = rows(connectionId);
        invalidation.publish(CACHE_TOPIC, connectionId);
        audit.record("integration_connection.rate_limits_changed", "integration_connection", connectionId, before, after);
        return after;
    }

    /** Spends one call from every limit of the connection, or throws 429 having spent nothing. */
    public void spend(String connectionId) {
        // Loaded through the cache: an invalidation committed while it loads waits for the load, then drops it.
        if (!limited.get(connectionId, id -> jdbc.sql("SELECT EXISTS (SELECT 1 FROM integration_rate_limits WHERE connection_id = ?)")
                .param(id).query(Boolean.class).single())) {
            return;
        }
        Instant now = clock.instant();
        ApiException refusal = transactions.execute(tx -> {
            // Every call of the connection queues on these rows until this commit. A count is not money: its commit need
            // not wait for the WAL flush (a crash may forget the last few hundred milliseconds of counted calls, never
            // count a call twice), so the lock is held for the statements only, not for an fsync as well.
            jdbc.sql("SET LOCAL synchronous_commit = off").update();
            record Limit(String id, LimitType type, int max, int usage, Instant end) {}
            List<Limit> limits = jdbc.sql("SELECT id, limit_type, max_requests, current_usage, window_end FROM integration_rate_limits"
                            + " WHERE connection_id = ? ORDER BY limit_type FOR UPDATE").param(connectionId)
                    .query((rs, i) -> new Limit(rs.getString("id"), LimitType.valueOf(rs.getString("limit_type").toUpperCase()), rs.getInt("max_requests"),
                            rs.getInt("current_usage"), Connections.instant(rs, "window_end"))).list();
            List<RateWindows.Decision> decisions = new ArrayList<>();
            for (Limit limit : limits) {
                RateWindows.Decision d = RateWindows.decide(limit.type(), limit.max(), limit.usage(), limit.end(), now);
                if (!d.allowed()) {
                    jdbc.sql("UPDATE integration_rate_limits SET is_exceeded = true, exceeded_at = coalesce(CASE WHEN is_exceeded THEN exceeded_at END, ?::timestamptz),"
                            + " reset_at = ?, updated_at = now() WHERE id = ?").params(Timestamp.from(now), Timestamp.from(d.windowEnd()), limit.id()).update();
                    long retry = Math.max(1, (Duration.between(now, d.windowEnd()).toMillis() + 999) / 1000);
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("scope", "connection");
                    details.put("connection_id", connectionId);
                    details.put("limit_type", limit.type().name().toLowerCase());
                    details.put("max_requests", limit.max());
                    details.put("reset_at", d.windowEnd().toString());
                    details.put("retry_after_seconds", retry);
                    return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED",
                            "The connection's " + limit.type().name().toLowerCase() + " limit of " + limit.max() + " calls is used up", details, Map.of());
                }
                decisions.add(d);
            }
            for (int i = 0; i < limits.size(); i++) {
                RateWindows.Decision d = decisions.get(i);
                jdbc.sql("""
                        UPDATE integration_rate_limits SET current_usage = ?, window_start = ?, window_end = ?, reset_at = ?,
                          is_exceeded = ?::int >= max_requests, exceeded_at = CASE WHEN ?::int >= max_requests THEN ?::timestamptz END, updated_at = now()
                        WHERE id = ?""")
                        .params(d.usage(), Timestamp.from(d.windowStart()), Timestamp.from(d.windowEnd()), Timestamp.from(d.windowEnd()),
                                d.usage(), d.usage(), Timestamp.from(now), limits.get(i).id()).update();
            }
            return null;
        });
        if (refusal != null) throw refusal;
    }

    private List<RateLimitView> rows(String connectionId) {
        Instant now = clock.instant();
        return jdbc.sql("SELECT * FROM integration_rate_limits WHERE connection_id = ? ORDER BY limit_type").param(connectionId)
                .query((ResultSet rs, int i) -> view(rs, now)).list();
    }

    private static RateLimitView view(ResultSet rs, Instant now) throws SQLException {
        LimitType type = LimitType.valueOf(rs.getString("limit_type").toUpperCase());
        Instant end = Connections.instant(rs, "window_end");
        boolean current = end != null && now.isBefore(end);
        RateWindows.Window w = RateWindows.window(type, now);
        int usage = current ? rs.getInt("current_usage") : 0;
        int max = rs.getInt("max_requests");
        return new RateLimitView(rs.getString("id"), rs.getString("connection_id"), type, max, usage, Math.max(0, max - usage),
                current ? Connections.instant(rs, "window_start") : w.start(), current ? end : w.end(), current && rs.getBoolean("is_exceeded"),
                Connections.instant(rs, "exceeded_at"), current ? end : w.end());
    }
}
