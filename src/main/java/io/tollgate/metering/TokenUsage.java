package io.tollgate.metering;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Seed 001's GET /api/v1/customer/tokens/usage, from the organization rollups. */
@Component
class TokenUsage {
    private final JdbcClient jdbc;
    private final Meter meter;
    private final Clock clock;

    TokenUsage(JdbcClient jdbc, Meter meter, Clock clock) {
        this.jdbc = jdbc;
        this.meter = meter;
        this.clock = clock;
    }

    record Period(Instant startDate, Instant endDate, long tokensUsed, long tokensRemaining, long tokensTotal) {}
    record AppUsage(String appId, String appName, long tokensConsumed, long sessions, BigDecimal avgTokensPerSession) {}
    record DayUsage(LocalDate date, long tokens) {}
    record Report(Period currentPeriod, List<AppUsage> usageByApp, List<DayUsage> dailyUsage) {}

    Report report(String organizationId) {
        Payer payer = meter.organization(organizationId);
        ActivePlan plan = meter.planOf(payer);
        Instant now = clock.instant();
        Instant start;
        Instant end;
        if (plan != null && plan.subscribed() && plan.periodStart() != null) {
            start = plan.periodStart();
            end = plan.periodEnd();
        } else {
            YearMonth month = YearMonth.from(LocalDate.ofInstant(now, ZoneOffset.UTC));
            start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(1);
        }
        Date from = Date.valueOf(LocalDate.ofInstant(start, ZoneOffset.UTC));
        Date to = Date.valueOf(LocalDate.ofInstant(end, ZoneOffset.UTC));
        List<DayUsage> daily = jdbc.sql("""
                SELECT day, sum(units) FROM usage_daily_orgs WHERE organization_id = ? AND day BETWEEN ? AND ? GROUP BY day ORDER BY day""")
                .params(organizationId, from, to).query((rs, i) -> new DayUsage(rs.getObject(1, LocalDate.class), rs.getLong(2))).list();
        List<AppUsage> byApp = jdbc.sql("""
                SELECT o.feature, sum(o.units),
                  (SELECT count(DISTINCT s.session_id) FROM usage_sessions s WHERE s.organization_id = ? AND s.feature = o.feature
                     AND s.day BETWEEN ? AND ?)
                FROM usage_daily_orgs o WHERE o.organization_id = ? AND o.day BETWEEN ? AND ?
                GROUP BY o.feature ORDER BY sum(o.units) DESC, o.feature""")
                .params(organizationId, from, to, organizationId, from, to)
                .query((rs, i) -> {
                    long tokens = rs.getLong(2);
                    long sessions = rs.getLong(3);
                    BigDecimal avg = sessions == 0 ? BigDecimal.ZERO
                            : BigDecimal.valueOf(tokens).divide(BigDecimal.valueOf(sessions), 1, RoundingMode.HALF_UP);
                    return new AppUsage(rs.getString(1), rs.getString(1), tokens, sessions, avg);
                }).list();
        long used = daily.stream().mapToLong(DayUsage::tokens).sum();
        long purchased = jdbc.sql("SELECT balance FROM ledger_accounts WHERE id = ?").param(payer.walletId()).query(Long.class).single();
        long remaining;
        if (plan != null && plan.plan().tokensPerMonth() == -1) {
            remaining = -1; // unlimited, as seed 001 writes it
        } else {
            long allowanceLeft = 0;
            if (plan != null && plan.plan().tokensPerMonth() > 0) {
                Buckets.Bucket bucket = Buckets.plan(organizationId, plan, now);
                long spent = jdbc.sql("SELECT used FROM meter_counters WHERE payer_id = ? AND bucket = ?")
                        .params(organizationId, bucket.name()).query(Long.class).optional().orElse(0L);
                allowanceLeft = Math.max(0, plan.plan().tokensPerMonth() - spent);
            }
            remaining = allowanceLeft + purchased;
        }
        return new Report(new Period(start, end, used, remaining, remaining == -1 ? -1 : used + remaining), byApp, daily);
    }
}
