package io.tollgate.payments;

import java.time.Instant;

/**
 * Stripe's subscription webhooks, verified, stored once and forwarded to the billing module. They are
 * published inside the transaction that records the event, so a listener's changes commit with it (or
 * the event is not recorded and Stripe delivers it again). occurredAt is the event's creation time at
 * Stripe: events come in any order, and listeners use it to keep the newest state.
 */
public final class StripeBillingEvents {
    /** provider_data of a recorded subscription invoice payment: the PaymentIntent that paid it, so its refund is found. */
    public static final String PAYMENT_INTENT_FACT = "stripe_payment_intent";
    public static final String INVOICE_FACT = "stripe_invoice_id";

    private StripeBillingEvents() {}

    /** customer.subscription.created/updated/deleted (deleted: the subscription ended at Stripe). */
    public record SubscriptionChanged(String eventId, StripeSubscription subscription, boolean deleted, Instant occurredAt) {}

    /**
     * invoice.paid and invoice.payment_failed of a subscription invoice. billingReason: Stripe's
     * (subscription_create, subscription_cycle, subscription_update, …); the period is the invoice's
     * subscription line, which for a renewal is the new period. paymentIntentId: the PaymentIntent that
     * paid it, when the event tells (API versions before 2025-03-31, or with payments included).
     */
    public record Invoice(String eventId, boolean paid, String invoiceId, String subscriptionId, String tollgateSubscriptionId,
                          String billingReason, long amountMinor, String currency, Instant periodStart, Instant periodEnd,
                          String failureCode, Instant occurredAt, String paymentIntentId) {}
}
