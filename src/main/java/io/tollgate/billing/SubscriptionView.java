package io.tollgate.billing;

import io.tollgate.metering.Plan;
import io.tollgate.metering.Plans;
import io.tollgate.payments.Payment;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * How apps see a subscription: seed 000's block {plan, status, expires_at} (also at the top level),
 * then the whole subscription, with seed 001's billing_cycle_start/end names for the period.
 */
@Component
class SubscriptionView {
    private final Plans plans;

    SubscriptionView(Plans plans) {
        this.plans = plans;
    }

    Map<String, Object> of(Subscription s) {
        Plan plan = plans.find(s.planId()).orElse(null);
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("plan", s.planId());
        block.put("status", s.status());
        block.put("expires_at", date(Subscription.CANCELED.equals(s.status()) && s.canceledAt() != null ? s.canceledAt() : s.currentPeriodEnd()));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", s.id());
        view.putAll(block);
        view.put("subscription", block);
        view.put("plan_id", s.planId());
        view.put("plan_name", plan == null ? null : plan.name());
        view.put("billing_cycle", plan == null ? null : plan.billingCycle());
        view.put("subscriber_type", s.subscriberType());
        view.put("subscriber_id", s.subscriberId());
        view.put("app_id", s.appId());
        view.put("payment_method", s.paymentMethod());
        view.put("price_minor", s.priceMinor());
        view.put("currency", s.currency());
        view.put("current_period_start", s.currentPeriodStart());
        view.put("current_period_end", s.currentPeriodEnd());
        view.put("billing_cycle_start", s.currentPeriodStart());
        view.put("billing_cycle_end", s.currentPeriodEnd());
        view.put("auto_renew", s.autoRenew());
        view.put("cancel_at_period_end", s.cancelAtPeriodEnd());
        view.put("canceled_at", s.canceledAt());
        view.put("cancel_reason", s.cancelReason());
        view.put("credit_balance_minor", s.creditBalanceMinor());
        view.put("past_due_since", s.pastDueSince());
        view.put("stripe_subscription_id", s.stripeSubscriptionId());
        view.put("stripe_customer_id", s.stripeCustomerId());
        view.put("created_at", s.createdAt());
        view.put("updated_at", s.updatedAt());
        return view;
    }

    /** A subscribe or change answer: the subscription, the payment it started, its charge (with the proration), and what the client needs next. */
    Map<String, Object> of(SubscriptionLifecycle.Result result) {
        Map<String, Object> view = of(result.subscription());
        view.put("payment", result.payment() == null ? null : payment(result.payment()));
        SubscriptionCharge charge = result.charge();
        view.put("charge", charge);
        if (charge != null && charge.prorationCreditMinor() != null) {
            Map<String, Object> proration = new LinkedHashMap<>();
            proration.put("from_plan_id", charge.fromPlanId());
            proration.put("to_plan_id", charge.toPlanId());
            proration.put("credit_minor", charge.prorationCreditMinor());
            proration.put("charge_minor", charge.prorationChargeMinor());
            proration.put("net_minor", charge.prorationChargeMinor() - charge.prorationCreditMinor());
            proration.put("remaining_seconds", charge.remainingSeconds());
            proration.put("period_seconds", charge.periodSeconds());
            view.put("proration", proration);
        }
        view.putAll(result.clientData());
        return view;
    }

    static Map<String, Object> payment(Payment p) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", p.id());
        view.put("status", p.status());
        view.put("payment_method", p.provider());
        view.put("amount_minor", p.amountMinor());
        view.put("currency", p.currency());
        view.put("provider_reference", p.providerReference());
        view.put("failure_code", p.failureCode());
        view.put("failure_message", p.failureMessage());
        view.put("created_at", p.createdAt());
        view.put("settled_at", p.settledAt());
        return view;
    }

    private static String date(Instant instant) {
        return instant == null ? null : instant.atZone(ZoneOffset.UTC).toLocalDate().toString();
    }
}
