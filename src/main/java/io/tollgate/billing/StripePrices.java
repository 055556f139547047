package io.tollgate.billing;

import io.tollgate.metering.Plan;
import io.tollgate.metering.PlanRequest;
import io.tollgate.metering.Plans;
import io.tollgate.payments.StripeBilling;
import io.tollgate.platform.TenantScope;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The Stripe Price a plan is sold at (stripe_plan_prices). A plan's stripe_price_id is used only once it
 * is known to bill the plan's price, currency and cycle: an id set by hand or seeded (V15's are
 * placeholders) is checked at Stripe the first time; one Stripe does not know, or with other terms
 * (the plan's price changed — Prices are immutable), is replaced by a new Price on the plan's Product,
 * and its id put on the plan.
 */
@Component
class StripePrices {
    private final JdbcClient jdbc;
    private final Plans plans;

    StripePrices(JdbcClient jdbc, Plans plans) {
        this.jdbc = jdbc;
        this.plans = plans;
    }

    /** What a Stripe Price bills, when we know it: the plan and the price per period. */
    record Known(String planId, long priceMinor, String currency) {}

    /**
     * System work even when an organization's subscribe call asks: the plan catalog and its Stripe prices are the
     * platform's, shared by every organization, and only the system role may write them (row-level security).
     */
    String priceOf(Plan plan, StripeBilling stripe) {
        try (TenantScope.Binding system = TenantScope.system()) {
            return catalogPriceOf(plan, stripe);
        }
    }

    private String catalogPriceOf(Plan plan, StripeBilling stripe) {
        String current = plan.stripePriceId();
        if (current != null && bills(current, plan)) return current;
        Optional<StripeBilling.PriceTerms> terms = current == null ? Optional.empty() : stripe.price(current);
        if (terms.isPresent() && matches(terms.get(), plan)) {
            remember(current, plan, terms.get().productId());
            return current;
        }
        String price = earlier(plan).orElseGet(() -> {
            String product = terms.map(StripeBilling.PriceTerms::productId).or(() -> productOf(plan.id()))
                    .orElseGet(() -> stripe.createProduct(plan.id(), plan.name()));
            String created = stripe.createPrice(product, plan.id(), plan.priceMinor(), plan.currency(), yearly(plan));
            remember(created, plan, product);
            return created;
        });
        plans.update(plan.id(), new PlanRequest(null, null, null, null, null, null, null, null, null, null, null, null, price, null, null));
        return price;
    }

    Optional<Known> known(String stripePriceId) {
        if (stripePriceId == null) return Optional.empty();
        return jdbc.sql("SELECT plan_id, price_minor, currency FROM stripe_plan_prices WHERE stripe_price_id = ?").param(stripePriceId)
                .query((rs, i) -> new Known(rs.getString(1), rs.getLong(2), rs.getString(3))).optional();
    }

    private boolean bills(String priceId, Plan plan) {
        return jdbc.sql("""
                SELECT exists(SELECT 1 FROM stripe_plan_prices WHERE stripe_price_id = ? AND plan_id = ? AND price_minor = ? AND currency = ?
                AND billing_cycle = ?)""").params(priceId, plan.id(), plan.priceMinor(), plan.currency(), cycle(plan)).query(Boolean.class).single();
    }

    /** A Price made before for exactly these terms (the plan went back to an earlier price). */
    private Optional<String> earlier(Plan plan) {
        return jdbc.sql("""
                SELECT stripe_price_id FROM stripe_plan_prices WHERE plan_id = ? AND price_minor = ? AND currency = ? AND billing_cycle = ?
                ORDER BY created_at DESC LIMIT 1""").params(plan.id(), plan.priceMinor(), plan.currency(), cycle(plan))
                .query(String.class).optional();
    }

    private Optional<String> productOf(String planId) {
        return jdbc.sql("SELECT stripe_product_id FROM stripe_plan_prices WHERE plan_id = ? AND stripe_product_id IS NOT NULL LIMIT 1")
                .param(planId).query(String.class).optional();
    }

    private void remember(String priceId, Plan plan, String productId) {
        jdbc.sql("""
                INSERT INTO stripe_plan_prices (stripe_price_id, plan_id, stripe_product_id, price_minor, currency, billing_cycle)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(priceId, plan.id(), productId, plan.priceMinor(), plan.currency(), cycle(plan)).update();
    }

    private static boolean matches(StripeBilling.PriceTerms t, Plan plan) {
        return t.active() && t.unitAmountMinor() == plan.priceMinor() && t.currency().equals(plan.currency())
                && (yearly(plan) ? "year" : "month").equals(t.interval());
    }

    private static boolean yearly(Plan plan) {
        return plan.billingCycle() == Plan.BillingCycle.YEARLY;
    }

    private static String cycle(Plan plan) {
        return plan.billingCycle().name().toLowerCase(Locale.ROOT);
    }
}
