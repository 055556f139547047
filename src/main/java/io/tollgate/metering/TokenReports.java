package io.tollgate.metering;

import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Seed 001's token consumption per catalog app, for the catalog module (which must not read metering's
 * tables): what each app consumed in the organization's current period, and its day-by-day analytics
 * (seed 001 usage_analytics_daily). Both read the token rollups, never the usage events.
 */
@Service
public class TokenReports {
    private final JdbcClient jdbc;
    private final Meter meter;
    private final TokenUsage usage;

    TokenReports(JdbcClient jdbc, Meter meter, TokenUsage usage) {
        this.jdbc = jdbc;
        this.meter = meter;
        this.usage = usage;
    }

    /** Tokens consumed per catalog app id in the organization's current period (its subscription's, else the calendar month). */
    public Map<String, Long> consumedThisPeriod(String organizationId) {
        TokenUsage.Span span = usage.span(meter.planOf(new Payer(Payer.Type.ORGANIZATION, organizationId, null, null)));
        Map<String, Long> out = new HashMap<>();
        jdbc.sql("SELECT feature, sum(units) FROM usage_daily_tokens WHERE organization_id = ? AND day BETWEEN ? AND ? GROUP BY feature")
                .params(organizationId, span.from(), span.to()).query(rs -> { out.put(rs.getString(1), rs.getLong(2)); });
        return out;
    }

    /** The plan allowance left this period (seed 001's tokens_remaining): -1 for an unlimited plan, 0 without an allowance. */
    public long planTokensRemaining(String organizationId) {
        return usage.report(organizationId).currentPeriod().tokensRemaining();
    }

    /** One day of one catalog app for one organization: tokens, consume calls, distinct sessions. */
    public record TokenDay(LocalDate date, long tokensConsumed, long calls, long sessionsCount) {}

    /** Days with consumption between from and to (inclusive, UTC), oldest first. */
    public List<TokenDay> daily(String organizationId, String catalogAppId, LocalDate from, LocalDate to) {
        return jdbc.sql("""
                SELECT t.day, sum(t.units), sum(t.calls),
                  (SELECT count(*) FROM usage_sessions s WHERE s.organization_id = ? AND s.feature = ? AND s.day = t.day)
                FROM usage_daily_tokens t WHERE t.organization_id = ? AND t.feature = ? AND t.day BETWEEN ? AND ?
                GROUP BY t.day ORDER BY t.day""")
                .params(organizationId, catalogAppId, organizationId, catalogAppId, Date.valueOf(from), Date.valueOf(to))
                .query((rs, i) -> new TokenDay(rs.getObject(1, LocalDate.class), rs.getLong(2), rs.getLong(3), rs.getLong(4))).list();
    }
}
