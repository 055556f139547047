package io.tollgate.metering;

import io.tollgate.apps.AppSnapshot;
import io.tollgate.apps.Application;
import io.tollgate.apps.Applications;
import io.tollgate.ledger.Wallets;
import io.tollgate.platform.PageQuery;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Seed 001's GET /api/v1/customer/tokens/usage, from the token rollup (token consumption only).
 * current_period is the plan's allowance: tokens_total = tokens_used + tokens_remaining, as in seed
 * 001 (-1 for an unlimited plan, zeros without an allowance); purchased tokens are reported apart.
 */
@Component
class TokenUsage {
    private final JdbcClient jdbc;
    private final Meter meter;
    private final Wallets wallets;
    private final Applications applications;
    private final Clock clock;
    private final ActivatedApps activated;

    TokenUsage(JdbcClient jdbc, Meter meter, Wallets wallets, Applications applications, Clock clock, ActivatedApps activated) {
        this.activated = activated;
        this.jdbc = jdbc;
        this.meter = meter;
        this.wallets = wallets;
        this.applications = applications;
        this.clock = clock;
    }

    record Period(Instant startDate, Instant endDate, long tokensUsed, long tokensRemaining, long tokensTotal) {}
    record AppUsage(String appId, String appName, long tokensConsumed, long sessions, BigDecimal avgTokensPerSession) {}
    record DayUsage(LocalDate date, long tokens) {}
    /** Tokens bought (the wallet): spent on consumption this period, and what is left. */
    record Purchased(long tokensUsed, long tokensRemaining) {}
    record Report(Period currentPeriod, List<AppUsage> usageByApp, List<DayUsage> dailyUsage, Purchased purchasedTokens) {}

    /** The report's period: the subscription's current period, else the calendar month (UTC). */
    record Span(Instant start, Instant end) {
        Date from() { return Date.valueOf(LocalDate.ofInstant(start, ZoneOffset.UTC)); }
        Date to() { return Date.valueOf(LocalDate.ofInstant(end, ZoneOffset.UTC)); }
    }

    Span span(ActivePlan plan) {
        if (plan != null && plan.subscribed() && plan.periodStart() != null) return new Span(plan.periodStart(), plan.periodEnd());
        YearMonth month = YearMonth.from(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        return new Span(month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC),
                month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(1));
    }

    Report report(String organizationId) {
        Payer payer = meter.organization(organizationId);
        ActivePlan plan = meter.planOf(payer);
        Instant now = clock.instant();
        Span span = span(plan);
        Instant start = span.start();
        Instant end = span.end();
        Date from = span.from();
        Date to = span.to();
        List<DayUsage> daily = jdbc.sql("""
                SELECT day, sum(units) FROM usage_daily_tokens WHERE organization_id = ? AND day BETWEEN ? AND ? GROUP BY day ORDER BY day""")
                .params(organizationId, from, to).query((rs, i) -> new DayUsage(rs.getObject(1, LocalDate.class), rs.getLong(2))).list();
        List<AppUsage> byApp = byApp(organizationId, from, to);
        long consumed = daily.stream().mapToLong(DayUsage::tokens).sum();
        long purchasedUsed = jdbc.sql("SELECT coalesce(sum(credits), 0) FROM usage_daily_tokens WHERE organization_id = ? AND day BETWEEN ? AND ?")
                .params(organizationId, from, to).query(Long.class).single();
        long purchasedLeft = wallets.balance(payer.walletId());
        return new Report(allowance(organizationId, plan, start, end, consumed - purchasedUsed, now), byApp, daily,
                new Purchased(purchasedUsed, purchasedLeft));
    }

    private Period allowance(String organizationId, ActivePlan plan, Instant start, Instant end, long fromPlan, Instant now) {
        long total = plan == null ? 0 : plan.plan().tokensPerMonth();
        if (total == -1) return new Period(start, end, fromPlan, -1, -1); // unlimited, as seed 001 writes it
        if (total == 0) return new Period(start, end, 0, 0, 0);
        Buckets.Bucket bucket = Buckets.plan(organizationId, plan, now);
        long used = jdbc.sql("SELECT used FROM meter_counters WHERE payer_id = ? AND bucket = ?")
                .params(organizationId, bucket.name()).query(Long.class).optional().orElse(0L);
        used = Math.min(used, total);
        return new Period(start, end, used, total - used, total);
    }

    /** Per catalog app_id; app_name is the name of the organization's app it names, else of the app that consumed the most. */
    private List<AppUsage> byApp(String organizationId, Date from, Date to) {
        record Row(String label, long tokens, long sessions, String topApp) {}
        List<Row> rows = jdbc.sql("""
                SELECT t.feature, sum(t.units),
                  (SELECT count(DISTINCT s.session_id) FROM usage_sessions s WHERE s.organization_id = ? AND s.feature = t.feature
                     AND s.day BETWEEN ? AND ?),
                  (SELECT x.app_id FROM usage_daily_tokens x WHERE x.organization_id = ? AND x.feature = t.feature AND x.day BETWEEN ? AND ?
                     GROUP BY x.app_id ORDER BY sum(x.units) DESC, x.app_id LIMIT 1)
                FROM usage_daily_tokens t WHERE t.organization_id = ? AND t.day BETWEEN ? AND ?
                GROUP BY t.feature ORDER BY sum(t.units) DESC, t.feature""")
                .params(organizationId, from, to, organizationId, from, to, organizationId, from, to)
                .query((rs, i) -> new Row(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4))).list();
        List<AppUsage> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            BigDecimal avg = row.sessions() == 0 ? BigDecimal.ZERO
                    : BigDecimal.valueOf(row.tokens()).divide(BigDecimal.valueOf(row.sessions()), 1, RoundingMode.HALF_UP);
            out.add(new AppUsage(row.label(), appName(organizationId, row.label(), row.topApp()), row.tokens(), row.sessions(), avg));
        }
        return out;
    }

    /** The catalog app's name; for consumption recorded before the catalog: the organization's app whose id or app_identifier the label is, else the consuming app. */
    private String appName(String organizationId, String label, String consumingAppId) {
        Optional<String> catalogName = activated.name(label);
        if (catalogName.isPresent()) return catalogName.get();
        Optional<String> named = applications.list(PageQuery.of(1, PageQuery.MAX_PER_PAGE), new Applications.Filter(null, null, organizationId, label))
                .items().stream().filter(a -> label.equals(a.id()) || label.equals(a.appIdentifier())).map(Application::name).findFirst();
        return named.orElseGet(() -> applications.snapshot(consumingAppId).map(AppSnapshot::name).orElse(label));
    }
}
