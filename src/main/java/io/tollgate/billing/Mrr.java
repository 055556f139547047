package io.tollgate.billing;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Monthly recurring revenue as seed 001 defines it — the sum of active subscriptions' prices — with
 * yearly plans counted at a twelfth (integer minor units, rounded down), per currency.
 */
@Service
public class Mrr {
    private final JdbcClient jdbc;

    Mrr(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record ByCurrency(String currency, long mrrMinor, long activeSubscriptions) {}
    public record ByPlan(String planId, String planName, String currency, long subscriptions, long mrrMinor) {}

    public List<ByCurrency> byCurrency() {
        return jdbc.sql("""
                SELECT p.currency, sum(CASE WHEN p.billing_cycle = 'yearly' THEN p.price_minor / 12 ELSE p.price_minor END), count(*)
                FROM subscriptions s JOIN plans p ON p.id = s.plan_id WHERE s.status = 'active' GROUP BY p.currency ORDER BY p.currency""")
                .query((rs, i) -> new ByCurrency(rs.getString(1), rs.getLong(2), rs.getLong(3))).list();
    }

    public List<ByPlan> byPlan() {
        return jdbc.sql("""
                SELECT p.id, p.name, p.currency, count(*), sum(CASE WHEN p.billing_cycle = 'yearly' THEN p.price_minor / 12 ELSE p.price_minor END)
                FROM subscriptions s JOIN plans p ON p.id = s.plan_id WHERE s.status = 'active' GROUP BY p.id, p.name, p.currency ORDER BY 5 DESC""")
                .query((rs, i) -> new ByPlan(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5))).list();
    }
}
