package io.tollgate.billing;

import static io.tollgate.billing.Subscription.ACTIVE;
import static io.tollgate.billing.Subscription.CANCELED;
import static io.tollgate.billing.Subscription.INCOMPLETE;
import static io.tollgate.billing.SubscriptionStore.ts;

import io.tollgate.audit.AuditTrail;
import io.tollgate.keys.AppCaller;
import io.tollgate.metering.Plan;
import io.tollgate.metering.Plans;
import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentProvider;
import io.tollgate.payments.PaymentPurpose;
import io.tollgate.payments.Payments;
import io.tollgate.payments.ProviderName;
import io.tollgate.payments.SandboxPolicy;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Subscribing and canceling. A paid subscription starts incomplete, with a payment recorded in the
 * same transaction (payments module); the payment's success makes it active ({@link SubscriptionPayments}).
 * Subscribing to another plan while subscribed is a plan change ({@link PlanChanges}). Stripe
 * subscriptions go to {@link StripeSubscribing}. claim: the Idempotency-Key's claim, called with the
 * subscription id inside the transaction that creates or changes it.
 */
@Service
class SubscriptionLifecycle {
    private final SubscriptionStore store;
    private final Plans plans;
    private final Payments payments;
    private final PlanChanges changes;
    private final StripeSubscribing stripe;
    private final SandboxPolicy sandbox;
    private final TransactionTemplate transactions;
    private final AuditTrail audit;
    private final Clock clock;

    SubscriptionLifecycle(SubscriptionStore store, Plans plans, Payments payments, PlanChanges changes, StripeSubscribing stripe,
                          SandboxPolicy sandbox, TransactionTemplate transactions, AuditTrail audit, Clock clock) {
        this.store = store;
        this.plans = plans;
        this.payments = payments;
        this.changes = changes;
        this.stripe = stripe;
        this.sandbox = sandbox;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
    }

    /** payment_method: sandbox, mpesa or stripe; a payment_method_id (pm_…) means stripe. */
    record Order(String planId, String paymentMethod, String phoneNumber, String paymentMethodId, Boolean autoRenew,
                 String sandboxOutcome, String sandboxRenewalOutcome, AppCaller caller) {}

    /** payment: the one this call started, if any; clientData: what the client needs next (Stripe's client_secret). */
    record Result(Subscription subscription, Payment payment, Map<String, Object> clientData, SubscriptionCharge charge, boolean created) {}

    Result subscribe(Subscriber who, Order order, Consumer<String> claim) {
        Plan plan = planFor(order.planId(), who.type());
        Optional<Subscription> current = store.live(who.type(), who.id());
        if (current.isPresent()) {
            if (current.get().planId().equals(plan.id())) {
                throw new ApiException(HttpStatus.CONFLICT, "ALREADY_SUBSCRIBED",
                        "Already subscribed to " + plan.id(), Map.of("subscription_id", current.get().id()), Map.of());
            }
            return changes.change(current.get(), plan, order, claim);
        }
        String method = PaymentMethods.choose(order, plan, payments, stripe.available(), sandbox);
        if ("stripe".equals(method)) return stripe.subscribe(who, plan, order, claim);
        if (stripe.available()) stripe.releaseIncomplete(who);
        if (plan.priceMinor() == 0) return free(who, plan, order, claim);
        return withPayment(who, plan, method, order, claim);
    }

    /** The plan, if it is active and for this kind of subscriber. */
    Plan planFor(String planId, String subscriberType) {
        Plan plan = plans.find(planId).filter(Plan::isActive)
                .orElseThrow(() -> ApiException.invalidField("plan_id", "does not name an active plan"));
        boolean forOrganization = Subscriber.ORGANIZATION.equals(subscriberType);
        if (forOrganization != (plan.audience() == Plan.PlanAudience.ORGANIZATION)) {
            throw ApiException.invalidField("plan_id", "is a plan for " + plan.audience().name().toLowerCase().replace('_', ' ') + "s");
        }
        return plan;
    }

    private Result free(Subscriber who, Plan plan, Order order, Consumer<String> claim) {
        return transactions.execute(tx -> {
            String id = Ids.next("sub");
            claim.accept(id);
            Subscription created = insert(id, who, plan, ACTIVE, "none", order);
            return new Result(created, null, Map.of(), null, true);
        });
    }

    private Result withPayment(Subscriber who, Plan plan, String method, Order order, Consumer<String> claim) {
        String id = Ids.next("sub");
        Instant now = clock.instant();
        Instant end = Periods.end(now, plan.billingCycle(), 1);
        String[] chargeId = new String[1];
        Payments.Started started = payments.start(new Payments.Request(who.type(), who.id(), who.appId(), who.organizationId(), null,
                PaymentPurpose.SUBSCRIPTION, id, ProviderName.valueOf(method.toUpperCase()), plan.priceMinor(), plan.currency(), 0,
                new PaymentProvider.StartOptions(order.phoneNumber(), null, order.sandboxOutcome(), plan.name() + " plan")),
                paymentId -> {
                    claim.accept(id);
                    insert(id, who, plan, INCOMPLETE, method, order);
                    chargeId[0] = store.insertCharge(new SubscriptionCharge(null, id, SubscriptionCharge.FIRST, "pending", paymentId,
                            plan.priceMinor(), plan.currency(), now, end, 0, null, plan.id(), null, null, null, null, null, null, null)).id();
                });
        return new Result(store.get(id), started.payment(), started.clientData(), store.charge(chargeId[0]).orElse(null), true);
    }

    /** Inserts a subscription, first ending an incomplete one of the subscriber (a new attempt replaces it). */
    Subscription insert(String id, Subscriber who, Plan plan, String status, String method, Order order) {
        Instant now = clock.instant();
        return store.insertReplacingIncomplete(new SubscriptionStore.New(id, who.type(), who.id(), who.appId(), who.organizationId(), plan.id(),
                status, now, Periods.end(now, plan.billingCycle(), 1), method, order == null ? null : order.phoneNumber(),
                order == null ? null : order.sandboxRenewalOutcome(), plan.priceMinor(), plan.currency(),
                order == null || order.autoRenew() == null || order.autoRenew(), null));
    }

    /**
     * Cancels now, or at the end of the paid period (an active subscription then runs to its end and
     * is not renewed). Canceling a canceled subscription changes nothing. byOperator: audited.
     */
    Subscription cancel(Subscription s, boolean atPeriodEnd, String reason, boolean byOperator) {
        if (CANCELED.equals(s.status())) return s;
        if (s.stripe()) return stripe.cancel(s, atPeriodEnd, reason, byOperator);
        return transactions.execute(tx -> {
            Subscription before = store.lock(s.id());
            if (CANCELED.equals(before.status())) return before;
            Subscription after = atPeriodEnd && ACTIVE.equals(before.status())
                    ? store.update(before, "cancel_at_period_end = true")
                    : store.update(before, "status = 'canceled', canceled_at = ?, cancel_reason = ?, cancel_at_period_end = false",
                    ts(clock.instant()), reason);
            if (byOperator) audit.record("subscription.canceled", "subscription", s.id(), before, after);
            return after;
        });
    }

    /**
     * auto_renew on or off. Off: the subscription ends with its period (Stripe: cancel_at_period_end).
     * On: it renews again, which also undoes a cancel at period end.
     */
    Subscription autoRenew(Subscription s, boolean autoRenew) {
        if (!s.live()) throw ApiException.conflict("SUBSCRIPTION_NOT_ACTIVE", "The subscription is " + s.status());
        if (s.stripe()) return stripe.autoRenew(s, autoRenew);
        return transactions.execute(tx -> store.update(store.lock(s.id()),
                autoRenew ? "auto_renew = true, cancel_at_period_end = false" : "auto_renew = false"));
    }

    /** An operator puts a payer on a plan now, free of charge; the payer's current subscription ends. */
    Subscription startByOperator(String subscriberType, String subscriberId, String appId, String planId) {
        Plan plan = planFor(planId, subscriberType);
        return transactions.execute(tx -> {
            Instant now = clock.instant();
            store.lockLive(subscriberType, subscriberId).ifPresent(live -> {
                if (live.stripe()) {
                    throw ApiException.conflict("STRIPE_SUBSCRIPTION", "Subscription " + live.id() + " is billed by Stripe; cancel it first");
                }
                Subscription ended = store.update(live, "status = 'canceled', canceled_at = ?, cancel_reason = 'replaced'", ts(now));
                audit.record("subscription.canceled", "subscription", live.id(), live, ended);
            });
            String organizationId = Subscriber.ORGANIZATION.equals(subscriberType) ? subscriberId : null;
            Subscription created = insert(Ids.next("sub"), new Subscriber(subscriberType, subscriberId, appId, organizationId), plan, ACTIVE,
                    "none", null);
            audit.record("subscription.started", "subscription", created.id(), null, created);
            return created;
        });
    }
}
