package io.tollgate.billing;

import static io.tollgate.billing.Subscription.CANCELED;
import static io.tollgate.billing.Subscription.INCOMPLETE;
import static io.tollgate.billing.SubscriptionStore.ts;

import io.tollgate.audit.AuditTrail;
import io.tollgate.metering.Plan;
import io.tollgate.metering.PlanRequest;
import io.tollgate.metering.Plans;
import io.tollgate.payments.ProviderException;
import io.tollgate.payments.StripeBilling;
import io.tollgate.payments.StripeSubscription;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Subscriptions billed by Stripe: a Customer per subscriber (reused), the plan's Price (created and
 * stored on the plan when it has none), a Stripe Subscription whose invoices and webhooks then drive
 * renewals and status ({@link StripeSubscriptionSync}). Our row is written before Stripe is called,
 * and Stripe's subscription carries our id in its metadata, so nothing Stripe does can be orphaned.
 */
@Service
class StripeSubscribing {
    private final SubscriptionStore store;
    private final Plans plans;
    private final ObjectProvider<StripeBilling> stripe;
    private final StripeSubscriptionSync sync;
    private final TransactionTemplate transactions;
    private final AuditTrail audit;
    private final Clock clock;

    StripeSubscribing(SubscriptionStore store, Plans plans, ObjectProvider<StripeBilling> stripe, StripeSubscriptionSync sync,
                      TransactionTemplate transactions, AuditTrail audit, Clock clock) {
        this.store = store;
        this.plans = plans;
        this.stripe = stripe;
        this.sync = sync;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
    }

    boolean available() {
        return stripe.getIfAvailable() != null;
    }

    private StripeBilling stripe() {
        StripeBilling billing = stripe.getIfAvailable();
        if (billing == null) throw new ApiException(HttpStatus.BAD_REQUEST, "PAYMENT_METHOD_UNAVAILABLE", "stripe is not configured on this server");
        return billing;
    }

    SubscriptionLifecycle.Result subscribe(Subscriber who, Plan plan, SubscriptionLifecycle.Order order, Consumer<String> claim) {
        StripeBilling billing = stripe();
        String priceId = priceOf(plan);
        String id = Ids.next("sub");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(StripeSubscription.METADATA_SUBSCRIPTION_ID, id);
        metadata.put("tollgate_subscriber_type", who.type());
        metadata.put("tollgate_subscriber_id", who.id());
        if (who.organizationId() != null) metadata.put("tollgate_organization_id", who.organizationId());
        String customer = provider(() -> billing.customer(store.stripeCustomerOf(who.type(), who.id()).orElse(null), order.paymentMethodId(),
                "Tollgate " + who.type().replace('_', ' ') + " " + who.id(), metadata, "tollgate-customer-" + id));
        transactions.executeWithoutResult(tx -> {
            claim.accept(id);
            Subscription created = lifecycleInsert(id, who, plan, order);
            store.update(created, "stripe_customer_id = ?", customer);
        });
        StripeBilling.Created created;
        try {
            created = billing.subscribe(customer, priceId, order.paymentMethodId(), metadata, id);
        } catch (ProviderException e) {
            // A refusal leaves nothing at Stripe; our incomplete row ends. Unknown outcomes wait for Stripe's webhooks.
            if (!e.retryable()) {
                transactions.executeWithoutResult(tx -> {
                    Subscription s = store.lock(id);
                    if (INCOMPLETE.equals(s.status())) store.update(s, "status = 'canceled', canceled_at = ?, cancel_reason = 'stripe_refused'",
                            ts(clock.instant()));
                });
            }
            throw failure(e);
        }
        Subscription after = transactions.execute(tx -> sync.apply(store.lock(id), created.subscription(), null, false));
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("client_secret", created.clientSecret());
        client.put("publishable_key", billing.publishableKey());
        return new SubscriptionLifecycle.Result(after, null, client, null, true);
    }

    private Subscription lifecycleInsert(String id, Subscriber who, Plan plan, SubscriptionLifecycle.Order order) {
        Instant now = clock.instant();
        store.lockLive(who.type(), who.id()).ifPresent(live -> {
            if (!INCOMPLETE.equals(live.status())) throw ApiException.conflict("ALREADY_SUBSCRIBED", "The subscriber already has subscription " + live.id());
            store.update(live, "status = 'canceled', canceled_at = ?, cancel_reason = 'superseded'", ts(now));
        });
        return store.insert(new SubscriptionStore.New(id, who.type(), who.id(), who.appId(), who.organizationId(), plan.id(), INCOMPLETE, now,
                Periods.end(now, plan.billingCycle(), 1), "stripe", null, null, plan.priceMinor(), plan.currency(),
                order.autoRenew() == null || order.autoRenew(), null));
    }

    /** Stripe prorates and invoices the difference now; our plan changes with Stripe's answer. */
    SubscriptionLifecycle.Result change(Subscription s, Plan plan, Consumer<String> claim) {
        StripeBilling billing = stripe();
        if (s.stripeSubscriptionId() == null) throw ApiException.conflict("SUBSCRIPTION_NOT_ACTIVE", "Stripe has not confirmed this subscription yet");
        String priceId = priceOf(plan);
        String item = store.stripeItemOf(s.id());
        StripeSubscription changed = provider(() -> billing.changePrice(s.stripeSubscriptionId(), item, priceId,
                "tollgate-change-" + s.id() + "-" + s.planId() + "-" + plan.id() + "-" + s.currentPeriodStart().getEpochSecond()));
        return transactions.execute(tx -> {
            claim.accept(s.id());
            Subscription after = sync.apply(store.lock(s.id()), changed, null, false);
            SubscriptionCharge charge = store.insertCharge(new SubscriptionCharge(null, s.id(), SubscriptionCharge.CHANGE, "applied", null, 0,
                    s.currency(), clock.instant(), after.currentPeriodEnd(), 0, s.planId(), plan.id(), null, null, null, null, null, null,
                    clock.instant()));
            return new SubscriptionLifecycle.Result(after, null, Map.of(), charge, false);
        });
    }

    Subscription cancel(Subscription s, boolean atPeriodEnd, String reason, boolean byOperator) {
        StripeBilling billing = stripe();
        StripeSubscription state = provider(() -> billing.cancel(s.stripeSubscriptionId(), atPeriodEnd));
        return transactions.execute(tx -> {
            Subscription before = store.lock(s.id());
            Subscription after = sync.apply(before, state, null, false);
            if (!atPeriodEnd && !CANCELED.equals(after.status())) {
                after = store.update(after, "status = 'canceled', canceled_at = ?, cancel_reason = ?", ts(clock.instant()), reason);
            }
            if (byOperator) audit.record("subscription.canceled", "subscription", s.id(), before, after);
            return after;
        });
    }

    /** The plan's Stripe Price; one is created (idempotently) and kept on the plan when it has none. */
    String priceOf(Plan plan) {
        if (plan.stripePriceId() != null) return plan.stripePriceId();
        String price = provider(() -> stripe().createPrice(plan.id(), plan.name(), plan.priceMinor(), plan.currency(),
                plan.billingCycle() == Plan.BillingCycle.YEARLY));
        plans.update(plan.id(), new PlanRequest(null, null, null, null, null, null, null, null, null, null, null, null, price, null, null));
        return price;
    }

    private static <T> T provider(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ProviderException e) {
            throw failure(e);
        }
    }

    static ApiException failure(ProviderException e) {
        return e.retryable()
                ? new ApiException(HttpStatus.BAD_GATEWAY, "PROVIDER_UNAVAILABLE", "Stripe did not answer: " + e.getMessage())
                : new ApiException(HttpStatus.PAYMENT_REQUIRED, "PAYMENT_FAILED", e.getMessage(), Map.of("failure_code", e.code()), Map.of());
    }
}
