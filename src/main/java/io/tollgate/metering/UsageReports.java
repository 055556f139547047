package io.tollgate.metering;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Usage and revenue figures per app, read from the daily rollups (never by scanning events), so a
 * report costs the same with a thousand events or a billion.
 */
@Service
public class UsageReports {
    private static final String NO_CURRENCY = "XXX";
    private final JdbcClient jdbc;

    UsageReports(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Totals(long calls, long errors, long creditsUsed, long durationMsSum) {
        public long avgDurationMs() { return calls == 0 ? 0 : durationMsSum / calls; }
    }
    public record DayRow(LocalDate date, long calls, long errors, long creditsUsed) {}
    public record FeatureRow(String feature, long calls, long errors, long creditsUsed) {}
    public record Money(String currency, long amountMinor) {}
    public record RevenueDay(LocalDate date, String currency, long chargeMinor, long costMinor, long creditsUsed) {}
    public record RevenueFeature(String feature, String currency, long chargeMinor, long costMinor, long creditsUsed) {}
    public record UserTotals(long calls, long creditsUsed, long chargeMinor) {}

    public record Usage(Totals totals, List<DayRow> byDay, List<FeatureRow> byFeature) {}
    public record Revenue(List<Money> charged, List<Money> cost, long creditsUsed, List<RevenueDay> byDay,
                          List<RevenueFeature> byFeature) {}

    /**
     * Calls, errors and credits by day and feature, from rollups only (the cost does not grow with the
     * number of events).
     * @param appId     null for every app (the console's overview)
     * @param endUserId null for all users; else that user's usage (from the per-user rollup, which keeps no durations)
     */
    public Usage usage(String appId, LocalDate from, LocalDate to, String feature, String endUserId) {
        String table = endUserId == null ? "usage_daily" : "usage_daily_users";
        List<Object> filter = new ArrayList<>(List.of(from, to));
        String where = " WHERE day BETWEEN ? AND ?";
        if (appId != null) { where += " AND app_id = ?"; filter.add(appId); }
        if (feature != null) { where += " AND feature = ?"; filter.add(feature); }
        if (endUserId != null) { where += " AND end_user_id = ?"; filter.add(endUserId); }
        Object[] params = filter.toArray();
        String durations = endUserId == null ? "coalesce(sum(duration_ms_sum),0)" : "0";
        Totals totals = jdbc.sql("SELECT coalesce(sum(calls),0), coalesce(sum(errors),0), coalesce(sum(credits_used),0), "
                        + durations + " FROM " + table + where).params(params)
                .query((rs, i) -> new Totals(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).single();
        List<DayRow> byDay = jdbc.sql("SELECT day, sum(calls), sum(errors), sum(credits_used) FROM " + table + where
                        + " GROUP BY day ORDER BY day").params(params)
                .query((rs, i) -> new DayRow(rs.getObject(1, LocalDate.class), rs.getLong(2), rs.getLong(3), rs.getLong(4))).list();
        List<FeatureRow> byFeature = jdbc.sql("SELECT feature, sum(calls), sum(errors), sum(credits_used) FROM " + table + where
                        + " GROUP BY feature ORDER BY sum(calls) DESC, feature").params(params)
                .query((rs, i) -> new FeatureRow(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).list();
        return new Usage(totals, byDay, byFeature);
    }

    /** The console's usage dashboards: one app, or every app when appId is null. */
    public Usage overview(String appId, LocalDate from, LocalDate to) {
        return usage(appId, from, to, null, null);
    }

    public Revenue revenue(String appId, LocalDate from, LocalDate to) {
        Object[] params = {appId, from, to};
        String where = " WHERE app_id = ? AND day BETWEEN ? AND ?";
        List<RevenueDay> byDay = jdbc.sql("SELECT day, currency, sum(charge_minor), sum(cost_minor), sum(credits_used) FROM usage_daily"
                        + where + " GROUP BY day, currency ORDER BY day, currency").params(params)
                .query((rs, i) -> new RevenueDay(rs.getObject(1, LocalDate.class), currencyOrNull(rs.getString(2)), rs.getLong(3),
                        rs.getLong(4), rs.getLong(5))).list();
        List<RevenueFeature> byFeature = jdbc.sql("SELECT feature, currency, sum(charge_minor), sum(cost_minor), sum(credits_used) FROM usage_daily"
                        + where + " GROUP BY feature, currency ORDER BY feature, currency").params(params)
                .query((rs, i) -> new RevenueFeature(rs.getString(1), currencyOrNull(rs.getString(2)), rs.getLong(3),
                        rs.getLong(4), rs.getLong(5))).list();
        Map<String, long[]> perCurrency = new HashMap<>();
        long credits = 0;
        for (RevenueDay d : byDay) {
            credits += d.creditsUsed();
            if (d.currency() == null) continue;
            long[] sums = perCurrency.computeIfAbsent(d.currency(), c -> new long[2]);
            sums[0] += d.chargeMinor();
            sums[1] += d.costMinor();
        }
        List<Money> charged = new ArrayList<>();
        List<Money> cost = new ArrayList<>();
        perCurrency.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            charged.add(new Money(e.getKey(), e.getValue()[0]));
            cost.add(new Money(e.getKey(), e.getValue()[1]));
        });
        return new Revenue(charged, cost, credits, byDay, byFeature);
    }

    public record TopUser(String appId, String endUserId, long calls, long errors, long creditsUsed, long chargeMinor) {}

    /**
     * The busiest end users in [from, to] of one app (or all, appId null), optionally for one feature.
     * Whole weeks already folded by WeeklyUserRollup are read from usage_weekly_users (a row per user and
     * week); only the days at the edges, and any feature filter, come from the per-day rollup.
     */
    public List<TopUser> topUsers(String appId, LocalDate from, LocalDate to, String feature, int limit) {
        if (limit < 1 || limit > 100) throw new IllegalArgumentException("limit must be 1-100");
        List<Object> params = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        LocalDate folded = feature != null ? null
                : jdbc.sql("SELECT through FROM usage_weekly_progress").query(LocalDate.class).optional().orElse(null);
        LocalDate firstWeek = WeeklyUserRollup.monday(from.plusDays(6));
        LocalDate lastWeek = WeeklyUserRollup.monday(to.minusDays(6));
        if (folded != null && folded.isBefore(lastWeek)) lastWeek = folded;
        if (folded != null && !firstWeek.isAfter(lastWeek)) {
            parts.add(userRows("usage_weekly_users", "week", firstWeek, lastWeek, appId, null, params));
            if (from.isBefore(firstWeek)) parts.add(userRows("usage_daily_users", "day", from, firstWeek.minusDays(1), appId, null, params));
            if (to.isAfter(lastWeek.plusDays(6))) parts.add(userRows("usage_daily_users", "day", lastWeek.plusDays(7), to, appId, null, params));
        } else {
            parts.add(userRows("usage_daily_users", "day", from, to, appId, feature, params));
        }
        params.add(limit);
        // End-user ids are unique across apps, so grouping by the user alone is enough (and cheaper to hash).
        return jdbc.sql("SELECT max(app_id), end_user_id, sum(calls), sum(errors), sum(credits_used), sum(charge_minor) FROM ("
                        + String.join(" UNION ALL ", parts) + ") u GROUP BY end_user_id ORDER BY sum(calls) DESC, end_user_id LIMIT ?")
                .params(params)
                .query((rs, i) -> new TopUser(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)))
                .list();
    }

    private static String userRows(String table, String dayColumn, LocalDate from, LocalDate to, String appId, String feature,
                                   List<Object> params) {
        String sql = "SELECT app_id, end_user_id, calls, errors, credits_used, charge_minor FROM " + table
                + " WHERE " + dayColumn + " BETWEEN ? AND ?";
        params.add(from);
        params.add(to);
        if (appId != null) { sql += " AND app_id = ?"; params.add(appId); }
        if (feature != null) { sql += " AND feature = ?"; params.add(feature); }
        return sql;
    }

    public Map<String, UserTotals> userTotals(String appId, LocalDate from, LocalDate to, Collection<String> userIds) {
        Map<String, UserTotals> totals = new HashMap<>();
        if (userIds.isEmpty()) return totals;
        jdbc.sql("""
                SELECT end_user_id, sum(calls), sum(credits_used), sum(charge_minor) FROM usage_daily_users
                WHERE app_id = ? AND day BETWEEN ? AND ? AND end_user_id = ANY(?) GROUP BY end_user_id""")
                .params(appId, from, to, userIds.toArray(String[]::new))
                .query(rs -> { totals.put(rs.getString(1), new UserTotals(rs.getLong(2), rs.getLong(3), rs.getLong(4))); });
        return totals;
    }

    public record Charge(String feature, String currency, long calls, long chargeMinor) {}

    /** Per-request money charged for an organization's calls in the period, by feature and currency (for invoices). */
    public List<Charge> charges(String organizationId, LocalDate from, LocalDate to) {
        return jdbc.sql("""
                SELECT feature, currency, sum(charged_calls), sum(charge_minor) FROM usage_daily
                WHERE organization_id = ? AND day BETWEEN ? AND ? AND charge_minor > 0
                GROUP BY feature, currency ORDER BY currency, feature""")
                .params(organizationId, from, to)
                .query((rs, i) -> new Charge(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4))).list();
    }

    public record Sum(String key, String currency, long calls, long chargeMinor, long costMinor, long creditsUsed) {}

    /** Platform-wide figures in [from, to] grouped by day, feature or app_id (currency XXX: no money involved). */
    public List<Sum> totals(LocalDate from, LocalDate to, String group) {
        String key = switch (group) {
            case "day" -> "to_char(day, 'YYYY-MM-DD')";
            case "feature", "app_id" -> group;
            default -> throw new IllegalArgumentException(group);
        };
        return jdbc.sql("SELECT " + key + ", currency, sum(calls), sum(charge_minor), sum(cost_minor), sum(credits_used) FROM usage_daily "
                        + "WHERE day BETWEEN ? AND ? GROUP BY 1, 2 ORDER BY 1, 2")
                .params(from, to)
                .query((rs, i) -> new Sum(rs.getString(1), currencyOrNull(rs.getString(2)), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)))
                .list();
    }

    /** Organizations whose calls were charged money in the period. */
    public List<String> organizationsCharged(LocalDate from, LocalDate to) {
        return jdbc.sql("SELECT DISTINCT organization_id FROM usage_daily WHERE day BETWEEN ? AND ? AND charge_minor > 0 AND organization_id IS NOT NULL")
                .params(from, to).query(String.class).list();
    }

    /**
     * Proxied calls of a feature in a time range: calls that reached for the upstream, upstream errors (no answer,
     * cut off, 5xx), latency to the first byte (p50/p95 from the hourly histogram: the upper bound of the bucket,
     * at most a third above the true value) and bytes each way.
     */
    public record UpstreamFigures(String feature, long calls, long upstreamErrors, long latencyMsSum, long bytesIn, long bytesOut,
                                  Long p50Millis, Long p95Millis) {
        /** Upstream errors per call, 0–1; null without calls. */
        @com.fasterxml.jackson.annotation.JsonProperty("error_rate")
        public Double errorRate() {
            return calls == 0 ? null : (double) upstreamErrors / calls;
        }
    }

    /** Per feature, from the hourly upstream rollups in [from, to). appId null: every app; feature null: every feature. */
    public List<UpstreamFigures> upstream(String appId, java.time.Instant from, java.time.Instant to, String feature) {
        List<Object> params = new ArrayList<>(List.of(java.sql.Timestamp.from(from), java.sql.Timestamp.from(to)));
        String where = " WHERE hour >= ? AND hour < ?";
        if (appId != null) { where += " AND app_id = ?"; params.add(appId); }
        if (feature != null) { where += " AND feature = ?"; params.add(feature); }
        Map<String, long[]> histograms = new HashMap<>();
        jdbc.sql("SELECT feature, bucket, sum(calls) FROM usage_hourly_latency" + where + " GROUP BY feature, bucket").params(params)
                .query(rs -> { histograms.computeIfAbsent(rs.getString(1), f -> new long[LatencyBuckets.count()])[rs.getInt(2)] += rs.getLong(3); });
        return jdbc.sql("SELECT feature, sum(calls), sum(upstream_errors), sum(latency_ms_sum), sum(bytes_in), sum(bytes_out) FROM usage_hourly_upstream"
                        + where + " GROUP BY feature ORDER BY sum(calls) DESC, feature").params(params)
                .query((rs, i) -> {
                    long[] histogram = histograms.getOrDefault(rs.getString(1), new long[LatencyBuckets.count()]);
                    return new UpstreamFigures(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                            LatencyBuckets.quantile(histogram, 0.5), LatencyBuckets.quantile(histogram, 0.95));
                }).list();
    }

    /** As above over whole UTC days from..to (both included), the range the other reports take. */
    public List<UpstreamFigures> upstream(String appId, LocalDate from, LocalDate to, String feature) {
        return upstream(appId, from.atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
                to.plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant(), feature);
    }

    private static String currencyOrNull(String currency) {
        return currency == null || NO_CURRENCY.equals(currency) ? null : currency;
    }
}
