package io.tollgate.metering;

import io.tollgate.ledger.Wallets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** {@link FeatureCheck}s: the price rule cascade run on a copy of the payer's state, changing nothing. */
@Component
class FeatureChecks {
    private final JdbcClient jdbc;
    private final Wallets wallets;
    private final Clock clock;

    FeatureChecks(JdbcClient jdbc, Wallets wallets, Clock clock) {
        this.jdbc = jdbc;
        this.wallets = wallets;
        this.clock = clock;
    }

    /**
     * Decides a call as a batch would, against the counters and balance as they are now, without locking,
     * charging or recording anything (POST /api/v1/features/{name}/check).
     */
    FeatureCheck check(MeterRequest r) {
        Instant now = clock.instant();
        Map<String, Long> counters = new HashMap<>();
        List<Buckets.Bucket> buckets = PriceEvaluator.buckets(r, now);
        if (!buckets.isEmpty()) {
            jdbc.sql("SELECT payer_id, bucket, used FROM meter_counters JOIN unnest(?::text[], ?::text[]) AS t(p, b) ON payer_id = t.p AND bucket = t.b")
                    .params(buckets.stream().map(Buckets.Bucket::payerId).toArray(String[]::new), buckets.stream().map(Buckets.Bucket::name).toArray(String[]::new))
                    .query(rs -> { counters.put(rs.getString(1) + "\n" + rs.getString(2), rs.getLong(3)); });
        }
        long balance = r.payer().walletId() == null ? 0 : wallets.balance(r.payer().walletId());
        Map<String, Long> scratch = new HashMap<>(counters);
        PriceEvaluator.Decision d = PriceEvaluator.decide(r, now, new PriceEvaluator.State() {
            @Override public long counter(Buckets.Bucket b) { return scratch.getOrDefault(b.payerId() + "\n" + b.name(), 0L); }
            @Override public void addCounter(Buckets.Bucket b, long amount) { scratch.merge(b.payerId() + "\n" + b.name(), amount, Long::sum); }
            @Override public long spendable(String walletId) { return balance; }
        });
        FeatureRule rule = r.rule();
        FeatureCheck.FreeTier free = null;
        if (rule.freeTierLimit() != null && rule.freeTierLimit() > 0) {
            Buckets.Bucket b = Buckets.free(r.payer().id(), rule, now);
            long used = counters.getOrDefault(b.payerId() + "\n" + b.name(), 0L);
            free = new FeatureCheck.FreeTier(rule.freeTierLimit(), used, Math.max(0, rule.freeTierLimit() - used), rule.freeTierPeriod().name().toLowerCase());
        }
        FeatureCheck.PlanAllowance allowance = null;
        Plan plan = r.plan() == null ? null : r.plan().plan();
        if (plan != null && plan.covers(rule.name()) && plan.tokensPerMonth() != 0 && rule.pricingType() != PricingType.FREE) {
            long used = 0;
            if (plan.tokensPerMonth() > 0) {
                Buckets.Bucket b = Buckets.plan(r.payer().id(), r.plan(), now);
                used = counters.getOrDefault(b.payerId() + "\n" + b.name(), 0L);
            }
            allowance = new FeatureCheck.PlanAllowance(plan.id(), plan.tokensPerMonth(), used,
                    plan.tokensPerMonth() < 0 ? -1 : Math.max(0, plan.tokensPerMonth() - used));
        }
        FeatureCheck.Credits credits = new FeatureCheck.Credits(balance, r.creditsAccepted() ? r.units() : 0);
        if (d.accepted()) return new FeatureCheck(true, d.source().name().toLowerCase(), null, null, Map.of(), free, allowance, credits);
        return new FeatureCheck(false, null, d.refusal().code(), d.refusal().message(), d.refusal().details(), free, allowance, credits);
    }
}
