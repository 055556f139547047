package io.tollgate.billing;

import io.tollgate.metering.Plan;
import io.tollgate.metering.Plans;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Seed 001's Monthly Recurring Revenue: the sum of active subscriptions' prices — the price each
 * subscription was bought at, not the plan's price today — per currency in minor units; a yearly price
 * counts a twelfth, rounded half up per plan. past_due, unpaid and incomplete subscriptions do not count.
 */
@Service
public class Mrr {
    private final JdbcClient jdbc;
    private final Plans plans;

    Mrr(JdbcClient jdbc, Plans plans) {
        this.jdbc = jdbc;
        this.plans = plans;
    }

    public record ByCurrency(String currency, long mrrMinor, long activeSubscriptions) {}
    public record ByPlan(String planId, String planName, String currency, long subscriptions, long mrrMinor) {}

    public List<ByCurrency> byCurrency() {
        Map<String, long[]> totals = new TreeMap<>();
        for (ByPlan plan : byPlan()) {
            long[] t = totals.computeIfAbsent(plan.currency(), c -> new long[2]);
            t[0] += plan.mrrMinor();
            t[1] += plan.subscriptions();
        }
        return totals.entrySet().stream().map(e -> new ByCurrency(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
    }

    public List<ByPlan> byPlan() {
        List<ByPlan> rows = new ArrayList<>();
        jdbc.sql("""
                SELECT plan_id, currency, count(*), sum(price_minor) FROM subscriptions WHERE status = 'active'
                GROUP BY plan_id, currency ORDER BY sum(price_minor) DESC, plan_id""")
                .query(rs -> {
                    Plan plan = plans.find(rs.getString(1)).orElse(null);
                    boolean yearly = plan != null && plan.billingCycle() == Plan.BillingCycle.YEARLY;
                    long sum = rs.getLong(4);
                    rows.add(new ByPlan(rs.getString(1), plan == null ? rs.getString(1) : plan.name(), rs.getString(2), rs.getLong(3),
                            yearly ? Proration.share(sum, 1, 12) : sum));
                });
        return rows;
    }
}
