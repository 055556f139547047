package io.tollgate.metering;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The price rule cascade for one call, against counters and balances its caller holds locked:
 * free allowance → (daily cap, for the features the plan caps) → plan allowance → credits → per-request
 * charge → refusal.
 * Pure: the same request and state always give the same decision, which is what lets a batch decide
 * many calls in arrival order and the tests check the rules without a database.
 */
final class PriceEvaluator {
    static final String CREDITS_HINT = "Buy credits with POST /api/v1/credits/purchase";
    static final String SUBSCRIBE_HINT = "Subscribe to a plan with POST /api/v1/subscriptions";

    interface State {
        long counter(Buckets.Bucket bucket);
        void addCounter(Buckets.Bucket bucket, long amount);
        long spendable(String walletId);
    }

    record Decision(boolean accepted, PricingSource source, long credits, long planUnits, MeterOutcome.FreeTier freeTier,
                    long chargeMinor, List<HoldTicket.CounterUse> counters, MeterOutcome.Refusal refusal) {}

    /** A limit a decision reached: a counter its call filled to the limit, or the limit that refused it. */
    record Reached(UsageLimitReached.Limit limit, Buckets.Bucket bucket, long limitValue) {}

    private PriceEvaluator() {}

    /** Every counter the decision may read, so the caller can lock them all first, in order. */
    static List<Buckets.Bucket> buckets(MeterRequest r, Instant now) {
        List<Buckets.Bucket> buckets = new ArrayList<>(3);
        FeatureRule rule = r.rule();
        String payer = r.payer().id();
        if (rule.freeTierLimit() != null && rule.freeTierLimit() > 0) buckets.add(Buckets.free(payer, rule, now));
        if (rule.pricingType() == PricingType.FREE) return buckets;
        Plan plan = r.plan() == null ? null : r.plan().plan();
        if (plan != null && plan.capsDaily(rule.name())) buckets.add(Buckets.daily(payer, rule, now));
        if (plan != null && plan.covers(rule.name()) && plan.tokensPerMonth() > 0) buckets.add(Buckets.plan(payer, r.plan(), now));
        return buckets;
    }

    static Decision decide(MeterRequest r, Instant now, State state) {
        FeatureRule rule = r.rule();
        String payer = r.payer().id();
        List<HoldTicket.CounterUse> uses = new ArrayList<>(2);

        if (rule.freeTierLimit() != null && rule.freeTierLimit() > 0) {
            Buckets.Bucket free = Buckets.free(payer, rule, now);
            long used = state.counter(free);
            if (used < rule.freeTierLimit()) {
                use(state, uses, free, 1);
                return accept(PricingSource.FREE_TIER, 0, 0, new MeterOutcome.FreeTier(used + 1, rule.freeTierLimit()), 0, uses);
            }
            if (rule.pricingType() == PricingType.FREE) {
                return refuse(429, "QUOTA_EXCEEDED", "The free allowance of " + rule.freeTierLimit() + " per "
                                + rule.freeTierPeriod().name().toLowerCase() + " is used up",
                        Map.of("limit", rule.freeTierLimit(), "used", used, "period", rule.freeTierPeriod().name().toLowerCase()),
                        Map.of(), secondsUntil(free.resetsAt(), now));
            }
        }
        if (rule.pricingType() == PricingType.FREE) return accept(PricingSource.FREE, 0, 0, null, 0, uses);

        Plan plan = r.plan() == null ? null : r.plan().plan();
        boolean covered = plan != null && plan.covers(rule.name());
        Buckets.Bucket daily = null;
        if (plan != null && plan.capsDaily(rule.name())) {
            daily = Buckets.daily(payer, rule, now);
            if (state.counter(daily) >= plan.dailyLimit()) {
                return refuse(429, "DAILY_LIMIT_REACHED", "The " + plan.name() + " plan allows " + plan.dailyLimit() + " of these a day",
                        detailsWithHint(Map.of("limit", plan.dailyLimit(), "plan", plan.id()), "Upgrade the plan with POST /api/v1/subscriptions"),
                        Map.of(), secondsUntil(daily.resetsAt(), now));
            }
        }

        long planUnits = 0;
        if (covered && plan.tokensPerMonth() != 0) {
            long need = r.allowanceUnits();
            if (plan.tokensPerMonth() == -1) {
                useDaily(state, uses, daily);
                return accept(PricingSource.PLAN, 0, need, null, 0, uses);
            }
            Buckets.Bucket allowance = Buckets.plan(payer, r.plan(), now);
            long left = Math.max(0, plan.tokensPerMonth() - state.counter(allowance));
            if (left >= need) {
                use(state, uses, allowance, need);
                useDaily(state, uses, daily);
                return accept(PricingSource.PLAN, 0, need, null, 0, uses);
            }
            // What the allowance cannot cover may come from credits (seed 001: plan tokens, then purchased ones).
            if (r.creditsAccepted() && left > 0 && r.units() > 0) {
                long rest = r.units() - left;
                if (state.spendable(r.payer().walletId()) >= rest) {
                    use(state, uses, allowance, left);
                    useDaily(state, uses, daily);
                    return accept(PricingSource.PLAN_AND_CREDITS, rest, left, null, 0, uses);
                }
            }
        }

        if (r.creditsAccepted()) {
            long available = state.spendable(r.payer().walletId());
            if (available >= r.units()) {
                useDaily(state, uses, daily);
                return accept(PricingSource.CREDITS, r.units(), 0, null, 0, uses);
            }
            if (rule.pricingType() == PricingType.CREDIT) {
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("required", r.units());
                extra.put("available", available);
                return refuse(402, "INSUFFICIENT_CREDITS", "Not enough credits", detailsWithHint(extra, CREDITS_HINT), extra, null);
            }
        }

        if (rule.pricingType() == PricingType.PER_REQUEST && rule.pricePerRequestMinor() > 0) {
            useDaily(state, uses, daily);
            return accept(PricingSource.PER_REQUEST, 0, 0, null, rule.pricePerRequestMinor(), uses);
        }

        // Used up only if there was an allowance: a plan without one for this feature (pro's 0 tokens) does not include it.
        if (rule.pricingType() == PricingType.SUBSCRIPTION && covered && r.plan().subscribed() && plan.tokensPerMonth() > 0) {
            return refuse(429, "QUOTA_EXCEEDED", "This period's allowance of the " + plan.name() + " plan is used up",
                    detailsWithHint(Map.of("plan", plan.id(), "limit", plan.tokensPerMonth()), "Upgrade the plan with POST /api/v1/subscriptions"),
                    Map.of(), secondsUntil(Buckets.plan(payer, r.plan(), now).resetsAt(), now));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("feature", rule.name());
        if (plan != null) details.put("plan", plan.id());
        String message = plan != null && r.plan().subscribed()
                ? "The " + plan.name() + " plan does not include " + rule.name() + "; it needs a plan that does"
                : "This feature needs a subscription that includes " + rule.name();
        return refuse(402, "SUBSCRIPTION_REQUIRED", message, detailsWithHint(details, SUBSCRIBE_HINT), Map.of(), null);
    }

    /**
     * The limits this decision reached, against the state as the decision left it: an accepted call that
     * took a counter from below its limit to the limit, or a refusal by a daily cap or a used-up allowance.
     * Pure, and separate from {@link #decide} so the price cascade itself stays as it is.
     */
    static List<Reached> reached(MeterRequest r, Instant now, Decision d, State after) {
        // Most calls touch no counter (credits, per-request) or are refused for another reason: nothing to look at.
        if (d.accepted() ? d.counters().isEmpty() : !"DAILY_LIMIT_REACHED".equals(d.refusal().code()) && !"QUOTA_EXCEEDED".equals(d.refusal().code())) {
            return List.of();
        }
        FeatureRule rule = r.rule();
        Plan plan = r.plan() == null ? null : r.plan().plan();
        List<Reached> limits = new ArrayList<>(1);
        for (Buckets.Bucket b : buckets(r, now)) {
            Reached candidate = b.name().startsWith("free:") ? new Reached(UsageLimitReached.Limit.FREE_TIER, b, rule.freeTierLimit())
                    : b.name().startsWith("day:") ? new Reached(UsageLimitReached.Limit.DAILY, b, plan.dailyLimit())
                    : new Reached(UsageLimitReached.Limit.PLAN, b, plan.tokensPerMonth());
            if (candidate.limitValue() <= 0) continue;
            if (d.accepted()) {
                for (HoldTicket.CounterUse use : d.counters()) {
                    if (!use.bucket().equals(b.name())) continue;
                    long value = after.counter(b);
                    if (value >= candidate.limitValue() && value - use.amount() < candidate.limitValue()) limits.add(candidate);
                }
            } else if (refusedBy(d.refusal(), rule, candidate.limit())) {
                limits.add(candidate);
            }
        }
        return limits;
    }

    private static boolean refusedBy(MeterOutcome.Refusal refusal, FeatureRule rule, UsageLimitReached.Limit limit) {
        return switch (limit) {
            case DAILY -> "DAILY_LIMIT_REACHED".equals(refusal.code());
            case FREE_TIER -> "QUOTA_EXCEEDED".equals(refusal.code()) && rule.pricingType() == PricingType.FREE;
            case PLAN -> "QUOTA_EXCEEDED".equals(refusal.code()) && rule.pricingType() != PricingType.FREE;
        };
    }

    private static void use(State state, List<HoldTicket.CounterUse> uses, Buckets.Bucket bucket, long amount) {
        state.addCounter(bucket, amount);
        uses.add(new HoldTicket.CounterUse(bucket.payerId(), bucket.name(), amount));
    }

    private static void useDaily(State state, List<HoldTicket.CounterUse> uses, Buckets.Bucket daily) {
        if (daily != null) use(state, uses, daily, 1);
    }

    private static Decision accept(PricingSource source, long credits, long planUnits, MeterOutcome.FreeTier free, long charge,
                                   List<HoldTicket.CounterUse> uses) {
        return new Decision(true, source, credits, planUnits, free, charge, uses, null);
    }

    private static Decision refuse(int status, String code, String message, Map<String, Object> details, Map<String, Object> extra,
                                   Long retryAfter) {
        return new Decision(false, null, 0, 0, null, 0, List.of(), new MeterOutcome.Refusal(status, code, message, details, extra, retryAfter));
    }

    private static Map<String, Object> detailsWithHint(Map<String, Object> details, String hint) {
        Map<String, Object> out = new LinkedHashMap<>(details);
        out.put("hint", hint);
        return out;
    }

    private static long secondsUntil(Instant reset, Instant now) {
        return Math.max(1, Duration.between(now, reset).toSeconds());
    }
}
