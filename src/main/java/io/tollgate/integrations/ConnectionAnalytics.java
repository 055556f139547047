package io.tollgate.integrations;

import io.tollgate.platform.ApiException;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Daily analytics per connection, recomputed from the day's call logs (proxied calls) and health results by a
 * scheduled job: a recomputation replaces the row, so reruns and several nodes never count twice, and p95 is
 * exact (percentile over the day's response times) rather than estimated from running sums.
 */
@Service
public class ConnectionAnalytics {
    static final int MAX_DAYS = 366;
    private final JdbcClient jdbc;
    private final Connections connections;
    private final Clock clock;

    ConnectionAnalytics(JdbcClient jdbc, Connections connections, Clock clock) {
        this.jdbc = jdbc;
        this.connections = connections;
        this.clock = clock;
    }

    public List<DailyAnalytics> daily(String organizationId, String connectionId, LocalDate from, LocalDate to) {
        connections.get(organizationId, connectionId);
        LocalDate end = to == null ? LocalDate.now(clock.withZone(ZoneOffset.UTC)) : to;
        LocalDate start = from == null ? end.minusDays(29) : from;
        if (start.isAfter(end)) throw ApiException.invalidField("from", "must not be after to");
        if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) throw ApiException.invalidField("from", "the range may span at most " + MAX_DAYS + " days");
        return jdbc.sql("SELECT * FROM integration_analytics WHERE connection_id = ? AND date BETWEEN ? AND ? ORDER BY date")
                .params(connectionId, Date.valueOf(start), Date.valueOf(end)).query(ConnectionAnalytics::map).list();
    }

    /** Recomputes every connection's row of one UTC day; returns how many rows it wrote. */
    public int rollup(LocalDate day) {
        Timestamp start = Timestamp.from(day.atStartOfDay(ZoneOffset.UTC).toInstant());
        Timestamp end = Timestamp.from(day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        // The id is derived from (connection, day), the row's real key, so a recomputation keeps it.
        return jdbc.sql("""
                INSERT INTO integration_analytics (id, connection_id, organization_id, date, total_requests, successful_requests, failed_requests,
                  avg_response_time_ms, p95_response_time_ms, bytes_transferred, total_cost_minor, cost_currency, error_rate_percent,
                  uptime_percent, health_checks, updated_at)
                SELECT 'ian_' || substr(md5(c.id || :day), 1, 26), c.id, c.organization_id, :day, coalesce(l.total, 0), coalesce(l.ok, 0),
                  coalesce(l.failed, 0), l.avg_ms, l.p95_ms, coalesce(l.bytes, 0),
                  CASE WHEN p.cost_per_request_minor IS NOT NULL THEN coalesce(l.ok, 0) * p.cost_per_request_minor END,
                  CASE WHEN p.cost_per_request_minor IS NOT NULL THEN p.cost_currency END,
                  CASE WHEN coalesce(l.total, 0) > 0 THEN round(100.0 * l.failed / l.total, 2) END,
                  CASE WHEN coalesce(h.checks, 0) > 0 THEN round(100.0 * h.up / h.checks, 2) END, coalesce(h.checks, 0), now()
                FROM integration_connections c JOIN integration_providers p ON p.id = c.provider_id
                LEFT JOIN (SELECT connection_id, count(*) AS total,
                                  count(*) FILTER (WHERE response_status BETWEEN 200 AND 399) AS ok,
                                  count(*) FILTER (WHERE response_status IS NULL OR response_status >= 400) AS failed,
                                  round(avg(response_time_ms), 2) AS avg_ms,
                                  percentile_disc(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS p95_ms,
                                  sum(bytes_sent + bytes_received) AS bytes
                           FROM integration_logs WHERE source = 'proxy' AND created_at >= :start AND created_at < :end
                           GROUP BY connection_id) l ON l.connection_id = c.id
                LEFT JOIN (SELECT connection_id, count(*) AS checks, count(*) FILTER (WHERE status <> 'down') AS up
                           FROM integration_health WHERE check_timestamp >= :start AND check_timestamp < :end
                           GROUP BY connection_id) h ON h.connection_id = c.id
                WHERE l.connection_id IS NOT NULL OR h.connection_id IS NOT NULL
                ON CONFLICT (connection_id, date) DO UPDATE SET total_requests = excluded.total_requests,
                  successful_requests = excluded.successful_requests, failed_requests = excluded.failed_requests,
                  avg_response_time_ms = excluded.avg_response_time_ms, p95_response_time_ms = excluded.p95_response_time_ms,
                  bytes_transferred = excluded.bytes_transferred, total_cost_minor = excluded.total_cost_minor,
                  cost_currency = excluded.cost_currency, error_rate_percent = excluded.error_rate_percent,
                  uptime_percent = excluded.uptime_percent, health_checks = excluded.health_checks, updated_at = now()""")
                .param("day", Date.valueOf(day)).param("start", start).param("end", end).update();
    }

    /** Today and yesterday (UTC): yesterday once more, for calls that finished after its last run. */
    public void rollupRecent() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        rollup(today.minusDays(1));
        rollup(today);
    }

    private static DailyAnalytics map(ResultSet rs, int row) throws SQLException {
        return new DailyAnalytics(rs.getString("connection_id"), rs.getDate("date").toLocalDate(), rs.getLong("total_requests"),
                rs.getLong("successful_requests"), rs.getLong("failed_requests"), rs.getBigDecimal("avg_response_time_ms"),
                (Integer) rs.getObject("p95_response_time_ms"), rs.getLong("bytes_transferred"), (Long) rs.getObject("total_cost_minor"),
                rs.getString("cost_currency"), rs.getBigDecimal("error_rate_percent"), rs.getBigDecimal("uptime_percent"), rs.getInt("health_checks"));
    }
}
