package io.tollgate.billing;

import io.tollgate.metering.Plan;
import io.tollgate.metering.Plans;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Seed 001's Monthly Recurring Revenue: the sum of active subscriptions' prices, per currency, in
 * minor units; a yearly price counts a twelfth (per plan, rounded half up). past_due, unpaid and
 * incomplete subscriptions are not counted.
 */
@Service
class Revenue {
    private final JdbcClient jdbc;
    private final Plans plans;

    Revenue(JdbcClient jdbc, Plans plans) {
        this.jdbc = jdbc;
        this.plans = plans;
    }

    record Mrr(String currency, long mrrMinor, long activeSubscriptions) {}

    List<Mrr> mrr() {
        Map<String, long[]> byCurrency = new TreeMap<>();
        jdbc.sql("SELECT plan_id, currency, count(*), sum(price_minor) FROM subscriptions WHERE status = 'active' GROUP BY plan_id, currency")
                .query(rs -> {
                    boolean yearly = plans.find(rs.getString(1)).map(p -> p.billingCycle() == Plan.BillingCycle.YEARLY).orElse(false);
                    long sum = rs.getLong(4);
                    long[] totals = byCurrency.computeIfAbsent(rs.getString(2), c -> new long[2]);
                    totals[0] += yearly ? Proration.share(sum, 1, 12) : sum;
                    totals[1] += rs.getLong(3);
                });
        return byCurrency.entrySet().stream().map(e -> new Mrr(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
    }
}
