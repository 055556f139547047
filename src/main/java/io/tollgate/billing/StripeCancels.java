package io.tollgate.billing;

import io.tollgate.platform.AfterCommit;
import io.tollgate.payments.ProviderException;
import io.tollgate.payments.StripeBilling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The safety net for Stripe subscriptions that outlived our row: one we ended without reaching Stripe
 * (a merge, or an answer that came after the row was superseded) and that Stripe still reports live is
 * canceled at Stripe once the transaction that saw it commits — off the webhook's thread. If Stripe
 * cannot be reached, its next event for that subscription tries again.
 */
@Component
class StripeCancels {
    private static final Logger log = LoggerFactory.getLogger(StripeCancels.class);
    private final ObjectProvider<StripeBilling> stripe;

    private final AfterCommit afterCommit;

    StripeCancels(ObjectProvider<StripeBilling> stripe, AfterCommit afterCommit) {
        this.stripe = stripe;
        this.afterCommit = afterCommit;
    }

    void afterCommit(String stripeSubscriptionId, String why) {
        StripeBilling billing = stripe.getIfAvailable();
        if (billing == null || stripeSubscriptionId == null) return;
        afterCommit.run("cancel of Stripe subscription " + stripeSubscriptionId, () -> {
            try {
                billing.cancel(stripeSubscriptionId, false);
                log.info("Canceled Stripe subscription {} at Stripe: {}", stripeSubscriptionId, why);
            } catch (ProviderException e) {
                log.warn("Could not cancel Stripe subscription {} ({}): {}", stripeSubscriptionId, why, e.getMessage());
            }
        });
    }
}
