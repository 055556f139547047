package io.tollgate.billing;

import static io.tollgate.billing.Subscription.ACTIVE;

import io.tollgate.metering.Plan;
import io.tollgate.metering.Plans;
import io.tollgate.payments.PaymentProvider;
import io.tollgate.payments.PaymentPurpose;
import io.tollgate.payments.Payments;
import io.tollgate.payments.ProviderName;
import io.tollgate.payments.SandboxPolicy;
import io.tollgate.platform.ApiException;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Upgrades and downgrades now, with proration ({@link Proration}): a positive net is charged at once
 * and the plan changes when that payment succeeds; a negative net changes the plan at once and is
 * kept as credit_balance_minor, taken off the next renewals. The period, its allowance counter and
 * the billing anchor stay. Same currency and billing cycle only. Stripe subscriptions use Stripe's
 * proration ({@link StripeSubscribing}).
 */
@Service
class PlanChanges {
    private final SubscriptionStore store;
    private final Plans plans;
    private final Payments payments;
    private final StripeSubscribing stripe;
    private final SandboxPolicy sandbox;
    private final TransactionTemplate transactions;
    private final Clock clock;

    PlanChanges(SubscriptionStore store, Plans plans, Payments payments, StripeSubscribing stripe, SandboxPolicy sandbox,
                TransactionTemplate transactions, Clock clock) {
        this.store = store;
        this.plans = plans;
        this.payments = payments;
        this.stripe = stripe;
        this.sandbox = sandbox;
        this.transactions = transactions;
        this.clock = clock;
    }

    SubscriptionLifecycle.Result change(Subscription s, Plan plan, SubscriptionLifecycle.Order order, Consumer<String> claim) {
        if (!ACTIVE.equals(s.status())) {
            throw ApiException.conflict("SUBSCRIPTION_NOT_ACTIVE", "Only an active subscription can change plan; this one is " + s.status());
        }
        if (s.planId().equals(plan.id())) throw ApiException.conflict("ALREADY_SUBSCRIBED", "The subscription is already on " + plan.id());
        if (!plan.currency().equals(s.currency())) {
            throw ApiException.invalidField("plan_id", "is priced in " + plan.currency() + "; the subscription is paid in " + s.currency());
        }
        Plan current = plans.get(s.planId());
        if (current.billingCycle() != plan.billingCycle()) {
            throw ApiException.invalidField("plan_id", "is billed " + plan.billingCycle().name().toLowerCase() + "; the subscription is billed "
                    + current.billingCycle().name().toLowerCase());
        }
        if (s.stripe()) return stripe.change(s, plan, claim);
        if (store.hasPendingCharge(s.id(), SubscriptionCharge.CHANGE)) {
            throw ApiException.conflict("CHANGE_PENDING", "A plan change of this subscription is waiting for its payment");
        }
        Proration proration = Proration.of(s.priceMinor(), plan.priceMinor(), s.currentPeriodStart(), s.currentPeriodEnd(), clock.instant());
        if (proration.netMinor() <= 0) return changeNow(s, plan, proration, claim);

        String method = s.paymentMethod();
        if ("none".equals(method)) {
            if (order.paymentMethod() == null) throw ApiException.invalidField("payment_method", "is required to pay for the change: sandbox or mpesa");
            method = order.paymentMethod();
        }
        String phone = order.phoneNumber() != null ? order.phoneNumber() : store.renewalOptions(s.id()).phoneNumber();
        PaymentMethods.check(method, phone, plan.currency(), payments, false, sandbox, order.caller());
        String[] chargeId = new String[1];
        var started = payments.start(new Payments.Request(s.subscriberType(), s.subscriberId(), s.appId(), s.organizationId(), null,
                PaymentPurpose.SUBSCRIPTION, s.id(), ProviderName.valueOf(method.toUpperCase()), proration.netMinor(), plan.currency(), 0,
                new PaymentProvider.StartOptions(phone, null, order.sandboxOutcome(), "Change to the " + plan.name() + " plan")),
                paymentId -> {
                    claim.accept(s.id());
                    unchanged(store.lock(s.id()), s);
                    chargeId[0] = store.insertCharge(charge(s, plan, proration, "pending", paymentId, proration.netMinor())).id();
                });
        return new SubscriptionLifecycle.Result(store.get(s.id()), started.payment(), started.clientData(),
                store.charge(chargeId[0]).orElse(null), false);
    }

    private SubscriptionLifecycle.Result changeNow(Subscription s, Plan plan, Proration proration, Consumer<String> claim) {
        return transactions.execute(tx -> {
            claim.accept(s.id());
            Subscription locked = unchanged(store.lock(s.id()), s);
            SubscriptionCharge charge = store.insertCharge(charge(s, plan, proration, "applied", null, 0));
            Subscription after = store.update(locked, "plan_id = ?, price_minor = ?, credit_balance_minor = credit_balance_minor + ?",
                    plan.id(), plan.priceMinor(), -proration.netMinor());
            return new SubscriptionLifecycle.Result(after, null, Map.of(), charge, false);
        });
    }

    /** The change was priced on {@code seen}; if the subscription moved meanwhile, the price is wrong. */
    private static Subscription unchanged(Subscription locked, Subscription seen) {
        if (!ACTIVE.equals(locked.status()) || !locked.planId().equals(seen.planId()) || !locked.currentPeriodEnd().equals(seen.currentPeriodEnd())) {
            throw ApiException.conflict("SUBSCRIPTION_CHANGED", "The subscription changed while this request was priced; try again");
        }
        return locked;
    }

    private SubscriptionCharge charge(Subscription s, Plan plan, Proration p, String status, String paymentId, long amountMinor) {
        return new SubscriptionCharge(null, s.id(), SubscriptionCharge.CHANGE, status, paymentId, amountMinor, s.currency(),
                clock.instant(), s.currentPeriodEnd(), 0, s.planId(), plan.id(), p.creditMinor(), p.chargeMinor(), p.remainingSeconds(),
                p.periodSeconds(), null, null, "applied".equals(status) ? clock.instant() : null);
    }
}
