package io.tollgate.billing;

import static io.tollgate.billing.Subscription.ACTIVE;
import static io.tollgate.billing.Subscription.CANCELED;
import static io.tollgate.billing.Subscription.INCOMPLETE;
import static io.tollgate.billing.Subscription.PAST_DUE;
import static io.tollgate.billing.Subscription.UNPAID;
import static io.tollgate.billing.SubscriptionStore.ts;

import io.tollgate.metering.Plans;
import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentPurpose;
import io.tollgate.payments.PaymentRefunds;
import io.tollgate.payments.Payments;
import io.tollgate.payments.ProviderName;
import io.tollgate.payments.StripeBillingEvents;
import io.tollgate.payments.StripeSubscription;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Stripe's word on a subscription, applied so that any order of arrival ends in the same place:
 * <ul>
 *   <li>canceled is final (and a Stripe subscription still live for a row we canceled is canceled at Stripe);</li>
 *   <li>a period only moves forward (a later start wins), so a renewal is seen once, from whichever
 *       of customer.subscription.updated and invoice.paid comes first;</li>
 *   <li>status, plan and cancel_at_period_end come from the newest event (Stripe's created time);
 *       an older one arriving late does not undo them;</li>
 *   <li>a paid invoice for the current period makes the subscription active, and a failed invoice for
 *       a period already paid changes nothing (stripe_paid_through);</li>
 *   <li>every paid invoice is recorded once as a payment, so invoices, revenue and refunds include it.</li>
 * </ul>
 * Listeners run inside the webhook's transaction.
 */
@Component
class StripeSubscriptionSync {
    private static final Logger log = LoggerFactory.getLogger(StripeSubscriptionSync.class);
    /** Invoices that bill a whole period (the first, or a renewal); proration invoices do not move the period. */
    private static final Set<String> PERIOD_INVOICES = Set.of("subscription_create", "subscription_cycle");
    private final SubscriptionStore store;
    private final Plans plans;
    private final StripePrices prices;
    private final Payments payments;
    private final PaymentRefunds refunds;
    private final StripeCancels stripeCancels;
    private final Clock clock;

    StripeSubscriptionSync(SubscriptionStore store, Plans plans, StripePrices prices, Payments payments, PaymentRefunds refunds,
                           StripeCancels stripeCancels, Clock clock) {
        this.store = store;
        this.plans = plans;
        this.prices = prices;
        this.payments = payments;
        this.refunds = refunds;
        this.stripeCancels = stripeCancels;
        this.clock = clock;
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(StripeBillingEvents.SubscriptionChanged event) {
        StripeSubscription state = event.subscription();
        find(state.id(), state.tollgateSubscriptionId()).ifPresentOrElse(s -> apply(s, state, event.occurredAt(), event.deleted()),
                () -> log.info("Stripe subscription {} is not one of ours (event {})", state.id(), event.eventId()));
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(StripeBillingEvents.Invoice invoice) {
        Optional<Subscription> found = find(invoice.subscriptionId(), invoice.tollgateSubscriptionId());
        if (found.isEmpty()) {
            log.info("Invoice {} is for Stripe subscription {}, not one of ours", invoice.invoiceId(), invoice.subscriptionId());
            return;
        }
        Subscription s = found.get();
        Payment paid = invoice.paid() && invoice.amountMinor() > 0 ? recordPayment(s, invoice) : null;
        if (CANCELED.equals(s.status())) {
            // A superseded attempt paid anyway (its client secret was still out there): it bought nothing.
            if (paid != null && "superseded".equals(s.cancelReason())) {
                refunds.refundLater(paid.id(), "Stripe invoice " + invoice.invoiceId() + " of superseded subscription " + s.id());
            }
            return;
        }
        SubscriptionStore.StripeSync sync = store.stripeSync(s.id());
        if (!invoice.paid() && invoice.periodEnd() != null && sync.paidThrough() != null && !invoice.periodEnd().isAfter(sync.paidThrough())) {
            return; // already paid: this failure was overtaken by a success
        }
        List<String> sets = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        Instant periodEnd = s.currentPeriodEnd();
        if (PERIOD_INVOICES.contains(invoice.billingReason()) && movesPeriod(s, invoice.periodStart(), invoice.periodEnd())) {
            sets.add("current_period_start = ?, current_period_end = ?");
            params.add(ts(invoice.periodStart()));
            params.add(ts(invoice.periodEnd()));
            periodEnd = invoice.periodEnd();
        }
        boolean current = invoice.periodEnd() != null && !invoice.periodEnd().isBefore(periodEnd);
        if (invoice.paid()) {
            Instant paidThrough = max(sync.paidThrough(), invoice.periodEnd());
            sets.add("stripe_paid_through = ?");
            params.add(ts(paidThrough));
            if (current && List.of(INCOMPLETE, PAST_DUE, UNPAID).contains(s.status()) && mayGoLive(s)) {
                sets.add("status = 'active', past_due_since = NULL");
            }
        } else if (current && ACTIVE.equals(s.status()) && newest(sync, invoice.occurredAt())) {
            sets.add("status = 'past_due', past_due_since = ?");
            params.add(ts(invoice.occurredAt()));
        }
        sets.add("stripe_synced_at = ?");
        params.add(ts(max(sync.syncedAt(), invoice.occurredAt())));
        store.update(s, String.join(", ", sets), params.toArray());
        if (paid != null && store.lockChargeByPayment(paid.id()).isPresent()) return; // this invoice was recorded by an earlier event
        store.insertCharge(new SubscriptionCharge(null, s.id(), kindOf(invoice.billingReason()), invoice.paid() ? "paid" : "failed",
                paid == null ? null : paid.id(), invoice.amountMinor(), invoice.currency() == null ? s.currency() : invoice.currency(),
                invoice.periodStart() == null ? clock.instant() : invoice.periodStart(), invoice.periodEnd() == null ? periodEnd : invoice.periodEnd(),
                0, null, null, null, null, null, null, invoice.failureCode(), null, clock.instant()));
    }

    /**
     * The money of a paid Stripe invoice, recorded once as a payment (reference: the invoice id), so
     * invoices, revenue and refunds see subscription fees Stripe collected like any other payment.
     */
    private Payment recordPayment(Subscription s, StripeBillingEvents.Invoice invoice) {
        if (s.organizationId() == null || invoice.invoiceId() == null) return null;
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put(StripeBillingEvents.INVOICE_FACT, invoice.invoiceId());
        facts.put("stripe_subscription_id", invoice.subscriptionId());
        facts.put("stripe_billing_reason", invoice.billingReason());
        if (invoice.paymentIntentId() != null) facts.put(StripeBillingEvents.PAYMENT_INTENT_FACT, invoice.paymentIntentId());
        Payment recorded = payments.recordSettled(new Payments.Request(s.subscriberType(), s.subscriberId(), s.appId(), s.organizationId(), null,
                PaymentPurpose.SUBSCRIPTION, s.id(), ProviderName.STRIPE, invoice.amountMinor(),
                invoice.currency() == null ? s.currency() : invoice.currency(), 0, null), invoice.invoiceId(), facts);
        if (s.id().equals(recorded.purposeRef())) return recorded;
        log.warn("Stripe invoice {} of subscription {} is recorded as payment {} of {}", invoice.invoiceId(), s.id(), recorded.id(), recorded.purposeRef());
        return null;
    }

    /**
     * Applies a Stripe Subscription (from an event, eventTime set; or from our own call's answer,
     * eventTime null: it then sets status only until the first event has spoken).
     */
    Subscription apply(Subscription s, StripeSubscription state, Instant eventTime, boolean deleted) {
        if (CANCELED.equals(s.status())) {
            if (!deleted && !CANCELED.equals(statusOf(state.status()))) {
                stripeCancels.afterCommit(state.id(), "our subscription " + s.id() + " is canceled (" + s.cancelReason() + ")");
            }
            return s;
        }
        SubscriptionStore.StripeSync sync = store.stripeSync(s.id());
        List<String> sets = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        sets.add("stripe_subscription_id = coalesce(stripe_subscription_id, ?), stripe_customer_id = coalesce(?, stripe_customer_id),"
                + " stripe_item_id = coalesce(?, stripe_item_id)");
        params.add(state.id());
        params.add(state.customerId());
        params.add(state.itemId());
        String status = deleted ? CANCELED : statusOf(state.status());
        if (CANCELED.equals(status)) {
            sets.add("status = 'canceled', canceled_at = ?, cancel_reason = ?");
            params.add(ts(state.endedAt() != null ? state.endedAt() : eventTime != null ? eventTime : clock.instant()));
            params.add("stripe_" + (deleted ? "deleted" : state.status()));
            return store.update(s, String.join(", ", sets), params.toArray());
        }
        if (movesPeriod(s, state.currentPeriodStart(), state.currentPeriodEnd())) {
            sets.add("current_period_start = ?, current_period_end = ?");
            params.add(ts(state.currentPeriodStart()));
            params.add(ts(state.currentPeriodEnd()));
            if (INCOMPLETE.equals(s.status())) {
                sets.add("billing_anchor = ?");
                params.add(ts(state.currentPeriodStart()));
            }
        }
        boolean authoritative = eventTime == null ? sync.syncedAt() == null : newest(sync, eventTime);
        if (authoritative) {
            if (!status.equals(s.status()) && (!Subscription.LIVE.contains(status) || s.live() || mayGoLive(s))) {
                sets.add("status = ?, past_due_since = " + (PAST_DUE.equals(status) ? "coalesce(past_due_since, ?)" : "?"));
                params.add(status);
                params.add(PAST_DUE.equals(status) ? ts(eventTime != null ? eventTime : clock.instant()) : null);
            }
            sets.add("cancel_at_period_end = ?");
            params.add(state.cancelAtPeriodEnd());
            planOf(state.priceId()).filter(p -> !p.planId().equals(s.planId())).ifPresent(p -> {
                sets.add("plan_id = ?, price_minor = ?, currency = ?");
                params.add(p.planId());
                params.add(p.priceMinor());
                params.add(p.currency());
            });
            if (eventTime != null) {
                sets.add("stripe_synced_at = ?");
                params.add(ts(eventTime));
            }
        }
        return store.update(s, String.join(", ", sets), params.toArray());
    }

    private Optional<Subscription> find(String stripeSubscriptionId, String tollgateId) {
        Optional<Subscription> byStripe = stripeSubscriptionId == null ? Optional.empty() : store.lockByStripeId(stripeSubscriptionId);
        if (byStripe.isPresent() || tollgateId == null) return byStripe;
        // Our row exists before Stripe answers; an event may beat that answer here.
        return store.find(tollgateId).filter(s -> s.stripe() && s.stripeSubscriptionId() == null).map(s -> store.lock(s.id()));
    }

    /** A later period replaces the current one; an incomplete subscription's placeholder period always gives way. */
    private static boolean movesPeriod(Subscription s, Instant start, Instant end) {
        if (start == null || end == null || !end.isAfter(start)) return false;
        return INCOMPLETE.equals(s.status()) ? !start.equals(s.currentPeriodStart()) || !end.equals(s.currentPeriodEnd())
                : start.isAfter(s.currentPeriodStart());
    }

    private static boolean newest(SubscriptionStore.StripeSync sync, Instant eventTime) {
        return sync.syncedAt() == null || !eventTime.isBefore(sync.syncedAt());
    }

    /** Going back to a live status must not take the place of another live subscription of the subscriber. */
    private boolean mayGoLive(Subscription s) {
        if (s.live()) return true;
        return store.lockLive(s.subscriberType(), s.subscriberId()).filter(other -> !other.id().equals(s.id())).isEmpty();
    }

    /** The plan a Stripe Price sells and what it bills (an older Price of a plan bills its old price). */
    private Optional<StripePrices.Known> planOf(String stripePriceId) {
        if (stripePriceId == null) return Optional.empty();
        return prices.known(stripePriceId).or(() -> plans.list(null, false).stream().filter(p -> stripePriceId.equals(p.stripePriceId()))
                .findFirst().map(p -> new StripePrices.Known(p.id(), p.priceMinor(), p.currency())));
    }

    static String statusOf(String stripeStatus) {
        return switch (stripeStatus == null ? "incomplete" : stripeStatus) {
            case "active", "trialing" -> ACTIVE;
            case "past_due" -> PAST_DUE;
            case "unpaid", "paused" -> UNPAID;
            case "canceled", "incomplete_expired" -> CANCELED;
            default -> INCOMPLETE;
        };
    }

    private static String kindOf(String billingReason) {
        if ("subscription_create".equals(billingReason)) return SubscriptionCharge.FIRST;
        if ("subscription_update".equals(billingReason)) return SubscriptionCharge.CHANGE;
        return SubscriptionCharge.RENEWAL;
    }

    private static Instant max(Instant a, Instant b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.isAfter(b) ? a : b;
    }
}
