package io.tollgate.billing;

import static io.tollgate.billing.Subscription.CANCELED;
import static io.tollgate.billing.Subscription.INCOMPLETE;
import static io.tollgate.billing.SubscriptionStore.ts;

import io.tollgate.audit.AuditTrail;
import io.tollgate.metering.Plan;
import io.tollgate.payments.ProviderException;
import io.tollgate.payments.StripeBilling;
import io.tollgate.payments.StripeSubscription;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Subscriptions billed by Stripe: a Customer per subscriber (reused), the plan's Price ({@link StripePrices}),
 * a Stripe Subscription whose invoices and webhooks then drive renewals and status
 * ({@link StripeSubscriptionSync}). Our row is written before Stripe is called, and Stripe's
 * subscription carries our id in its metadata, so nothing Stripe does can be orphaned. Whatever ends
 * one of our rows ends it at Stripe first (a superseded attempt, a cancel before Stripe answered).
 */
@Service
class StripeSubscribing {
    private final SubscriptionStore store;
    private final StripePrices prices;
    private final ObjectProvider<StripeBilling> stripe;
    private final StripeSubscriptionSync sync;
    private final TransactionTemplate transactions;
    private final AuditTrail audit;
    private final Clock clock;

    StripeSubscribing(SubscriptionStore store, StripePrices prices, ObjectProvider<StripeBilling> stripe, StripeSubscriptionSync sync,
                      TransactionTemplate transactions, AuditTrail audit, Clock clock) {
        this.store = store;
        this.prices = prices;
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
        releaseIncomplete(who);
        String id = Ids.next("sub");
        boolean autoRenew = order.autoRenew() == null || order.autoRenew();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(StripeSubscription.METADATA_SUBSCRIPTION_ID, id);
        metadata.put("tollgate_subscriber_type", who.type());
        metadata.put("tollgate_subscriber_id", who.id());
        if (who.organizationId() != null) metadata.put("tollgate_organization_id", who.organizationId());
        String customer = provider(() -> billing.customer(store.stripeCustomerOf(who.type(), who.id()).orElse(null), order.paymentMethodId(),
                "Tollgate " + who.type().replace('_', ' ') + " " + who.id(), metadata, "tollgate-customer-" + id));
        transactions.executeWithoutResult(tx -> {
            claim.accept(id);
            Instant now = clock.instant();
            Subscription created = store.insertReplacingIncomplete(new SubscriptionStore.New(id, who.type(), who.id(), who.appId(),
                    who.organizationId(), plan.id(), INCOMPLETE, now, Periods.end(now, plan.billingCycle(), 1), "stripe", null, null,
                    plan.priceMinor(), plan.currency(), autoRenew, null));
            store.update(created, "stripe_customer_id = ?", customer);
        });
        StripeBilling.Created created;
        try {
            created = billing.subscribe(customer, priceId, order.paymentMethodId(), metadata, !autoRenew, id);
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
        return new SubscriptionLifecycle.Result(after, null, client(billing, created.clientSecret()), null, true);
    }

    /**
     * The subscriber's incomplete Stripe subscription (a new attempt replaces it) is canceled at Stripe
     * first, so it cannot be paid and then bill every month for a row we ended. Stripe refusing is 502.
     */
    void releaseIncomplete(Subscriber who) {
        store.incomplete(who.type(), who.id()).filter(Subscription::stripe)
                .ifPresent(s -> stripeIdOf(s).ifPresent(stripeId -> provider(() -> stripe().cancel(stripeId, false))));
    }

    /** Our row's Stripe subscription id, or the one Stripe made for it when the answer to our create was lost. */
    private Optional<String> stripeIdOf(Subscription s) {
        if (s.stripeSubscriptionId() != null) return Optional.of(s.stripeSubscriptionId());
        return provider(() -> stripe().findByTollgateId(s.id())).filter(found -> !"canceled".equals(found.status())
                && !"incomplete_expired".equals(found.status())).map(StripeSubscription::id);
    }

    /**
     * Stripe prorates and invoices the difference now; with pending_if_incomplete the price changes only
     * when that invoice is paid — until then the plan stays, the charge is pending, and client_secret lets
     * the client pay it (customer.subscription.updated then switches the plan).
     */
    SubscriptionLifecycle.Result change(Subscription s, Plan plan, Consumer<String> claim) {
        StripeBilling billing = stripe();
        if (s.stripeSubscriptionId() == null) throw ApiException.conflict("SUBSCRIPTION_NOT_ACTIVE", "Stripe has not confirmed this subscription yet");
        String priceId = priceOf(plan);
        String item = store.stripeItemOf(s.id());
        StripeBilling.Created changed = provider(() -> billing.changePrice(s.stripeSubscriptionId(), item, priceId,
                "tollgate-change-" + s.id() + "-" + s.planId() + "-" + plan.id() + "-" + s.currentPeriodStart().getEpochSecond()));
        boolean waiting = changed.subscription().pendingUpdate();
        return transactions.execute(tx -> {
            claim.accept(s.id());
            Subscription after = sync.apply(store.lock(s.id()), changed.subscription(), null, false);
            SubscriptionCharge charge = store.insertCharge(new SubscriptionCharge(null, s.id(), SubscriptionCharge.CHANGE, waiting ? "pending" : "applied",
                    null, 0, s.currency(), clock.instant(), after.currentPeriodEnd(), 0, s.planId(), plan.id(), null, null, null, null, null, null,
                    waiting ? null : clock.instant()));
            return new SubscriptionLifecycle.Result(after, null, waiting ? client(billing, changed.clientSecret()) : Map.of(), charge, false);
        });
    }

    /** Cancels at Stripe, then here. A subscription Stripe has not confirmed yet is looked up at Stripe by our id. */
    Subscription cancel(Subscription s, boolean atPeriodEnd, String reason, boolean byOperator) {
        StripeBilling billing = stripe();
        // Nothing was paid for an incomplete one: it ends now, whatever was asked.
        boolean endNow = !atPeriodEnd || INCOMPLETE.equals(s.status());
        StripeSubscription state = stripeIdOf(s).map(id -> provider(() -> billing.cancel(id, !endNow))).orElse(null);
        return transactions.execute(tx -> {
            Subscription before = store.lock(s.id());
            if (CANCELED.equals(before.status())) return before;
            Subscription after = state == null ? before : sync.apply(before, state, null, false);
            if (endNow && !CANCELED.equals(after.status())) {
                after = store.update(after, "status = 'canceled', canceled_at = ?, cancel_reason = ?, cancel_at_period_end = false",
                        ts(clock.instant()), reason);
            } else if (!endNow && state != null) {
                after = store.update(after, "cancel_at_period_end = true"); // Stripe's answer, even after events have spoken
            }
            if (byOperator) audit.record("subscription.canceled", "subscription", s.id(), before, after);
            return after;
        });
    }

    /** auto_renew is Stripe's cancel_at_period_end, the other way round. */
    Subscription autoRenew(Subscription s, boolean autoRenew) {
        if (s.stripeSubscriptionId() == null) throw ApiException.conflict("SUBSCRIPTION_NOT_ACTIVE", "Stripe has not confirmed this subscription yet");
        StripeSubscription state = provider(() -> stripe().autoRenew(s.stripeSubscriptionId(), autoRenew));
        return transactions.execute(tx -> store.update(sync.apply(store.lock(s.id()), state, null, false), "auto_renew = ?", autoRenew));
    }

    String priceOf(Plan plan) {
        return provider(() -> prices.priceOf(plan, stripe()));
    }

    private static Map<String, Object> client(StripeBilling billing, String clientSecret) {
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("client_secret", clientSecret);
        client.put("publishable_key", billing.publishableKey());
        return client;
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
