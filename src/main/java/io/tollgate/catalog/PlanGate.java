package io.tollgate.catalog;

import io.tollgate.metering.Plan;
import java.util.Comparator;
import java.util.List;

/**
 * Which plans may activate an app whose pricing_tier is a given plan (seed 001: starter, professional,
 * enterprise — "the lowest plan that may activate it"). Plans are ranked by what they give, then by
 * what they cost: the monthly token allowance (unlimited above every number), then the monthly
 * equivalent of the price. A plan ranked at or above the tier may activate. Ranking by allowance first
 * keeps a yearly plan (a larger price) level with its monthly twin, and needs no currency conversion.
 */
final class PlanGate {
    private PlanGate() {}

    static final Comparator<Plan> RANK = Comparator.comparingLong(PlanGate::allowance).thenComparingLong(PlanGate::monthlyPriceMinor);

    /** Whether a payer on {@code current} (null: no plan) may activate an app of {@code tier} (null: any customer). */
    static boolean allows(Plan tier, Plan current) {
        if (tier == null) return true;
        return current != null && RANK.compare(current, tier) >= 0;
    }

    /** The plans on offer that may activate an app of {@code tier}, lowest first: what a 402 names. */
    static List<String> plansFor(Plan tier, List<Plan> offered) {
        return offered.stream().filter(p -> allows(tier, p)).sorted(RANK.thenComparing(Plan::id)).map(Plan::id).toList();
    }

    static long allowance(Plan plan) {
        return plan.tokensPerMonth() < 0 ? Long.MAX_VALUE : plan.tokensPerMonth();
    }

    static long monthlyPriceMinor(Plan plan) {
        return plan.billingCycle() == Plan.BillingCycle.YEARLY ? plan.priceMinor() / 12 : plan.priceMinor();
    }
}
