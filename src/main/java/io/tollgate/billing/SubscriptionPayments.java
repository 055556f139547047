package io.tollgate.billing;

import static io.tollgate.billing.Subscription.ACTIVE;
import static io.tollgate.billing.Subscription.INCOMPLETE;
import static io.tollgate.billing.Subscription.PAST_DUE;
import static io.tollgate.billing.Subscription.UNPAID;
import static io.tollgate.billing.SubscriptionStore.ts;

import io.tollgate.metering.Plan;
import io.tollgate.metering.Plans;
import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentEvents;
import io.tollgate.payments.PaymentPurpose;
import io.tollgate.payments.PaymentRefunds;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Moves subscriptions when their payments settle, inside the settling transaction (a payment is
 * settled once, so each charge is applied once): the first payment activates (the period starts
 * when it is paid), a renewal's brings a past_due or unpaid subscription back to active, a plan
 * change's switches the plan. A failed first payment ends the subscription; a failed renewal leaves
 * it past_due until the grace period runs out. Money that comes for a first payment or a plan change
 * that no longer applies (replaced, ended, moved on) is refunded ({@link PaymentRefunds#refundLater}).
 */
@Component
class SubscriptionPayments {
    private static final Logger log = LoggerFactory.getLogger(SubscriptionPayments.class);
    private final SubscriptionStore store;
    private final Plans plans;
    private final PaymentRefunds refunds;
    private final Clock clock;

    SubscriptionPayments(SubscriptionStore store, Plans plans, PaymentRefunds refunds, Clock clock) {
        this.store = store;
        this.plans = plans;
        this.refunds = refunds;
        this.clock = clock;
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void onSucceeded(PaymentEvents.Succeeded event) {
        Payment payment = event.payment();
        if (payment.purpose() != PaymentPurpose.SUBSCRIPTION) return;
        store.lockChargeByPayment(payment.id()).ifPresent(charge -> {
            Instant now = clock.instant();
            store.settleCharge(charge.id(), "paid", null, now);
            Subscription s = store.lock(charge.subscriptionId());
            switch (charge.kind()) {
                case SubscriptionCharge.FIRST -> {
                    if (!INCOMPLETE.equals(s.status())) {
                        // Replaced by another attempt, or ended (its payment had failed): this money bought nothing.
                        refunds.refundLater(payment.id(), "first payment of subscription " + s.id() + ", which is " + s.status()
                                + (s.cancelReason() == null ? "" : " (" + s.cancelReason() + ")"));
                        return;
                    }
                    Plan plan = plans.get(s.planId());
                    store.update(s, "status = 'active', current_period_start = ?, current_period_end = ?, billing_anchor = ?",
                            ts(now), ts(Periods.end(now, plan.billingCycle(), 1)), ts(now));
                }
                case SubscriptionCharge.RENEWAL -> {
                    boolean samePeriod = s.currentPeriodStart().equals(charge.periodStart());
                    boolean owed = PAST_DUE.equals(s.status()) || (UNPAID.equals(s.status())
                            && store.lockLive(s.subscriberType(), s.subscriberId()).isEmpty());
                    if (samePeriod && owed) {
                        store.update(s, "status = 'active', past_due_since = NULL, credit_balance_minor = greatest(0, credit_balance_minor - ?)",
                                charge.creditAppliedMinor());
                    } else {
                        log.warn("Renewal payment {} of subscription {} came when it was {}; nothing to reactivate", payment.id(), s.id(), s.status());
                    }
                }
                case SubscriptionCharge.CHANGE -> {
                    if ((ACTIVE.equals(s.status()) || PAST_DUE.equals(s.status())) && s.planId().equals(charge.fromPlanId())) {
                        Plan to = plans.get(charge.toPlanId());
                        store.update(s, "plan_id = ?, price_minor = ?", to.id(), to.priceMinor());
                    } else {
                        refunds.refundLater(payment.id(), "plan change of subscription " + s.id() + " that no longer applies (it is "
                                + s.status() + " on " + s.planId() + ")");
                    }
                }
                default -> throw new IllegalStateException("unknown charge kind " + charge.kind());
            }
        });
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void onFailed(PaymentEvents.Failed event) {
        Payment payment = event.payment();
        if (payment.purpose() != PaymentPurpose.SUBSCRIPTION) return;
        store.lockChargeByPayment(payment.id()).ifPresent(charge -> {
            store.settleCharge(charge.id(), "failed", payment.failureCode(), clock.instant());
            Subscription s = store.lock(charge.subscriptionId());
            if (SubscriptionCharge.FIRST.equals(charge.kind()) && INCOMPLETE.equals(s.status())) {
                store.update(s, "status = 'canceled', canceled_at = ?, cancel_reason = 'payment_failed'", ts(clock.instant()));
            }
        });
    }
}
