package io.tollgate.payments;

import java.util.Map;

/**
 * Stripe Billing for the billing module: customers, prices and subscriptions. Present only when Stripe
 * is configured (STRIPE_SECRET_KEY). Every call goes through {@link ProviderCalls}; calls carry an
 * idempotency key so retries are safe. Failures are {@link ProviderException}s (retryable or a decline).
 */
public interface StripeBilling {

    /** What Stripe.js needs to confirm a payment in the client. */
    String publishableKey();

    /**
     * A customer for the subscriber: the existing one (the payment method attached to it) or a new one
     * with the payment method as its default. paymentMethodId may be null (the client confirms later).
     */
    String customer(String existingCustomerId, String paymentMethodId, String description, Map<String, String> metadata,
                    String idempotencyKey);

    /** A recurring Price for a plan that has none: monthly or yearly, unit amount in minor units. */
    String createPrice(String planId, String planName, long unitAmountMinor, String currency, boolean yearly);

    /**
     * Starts a subscription. With a payment method, Stripe charges it now (status active, or incomplete
     * if the payment failed or needs the customer); without one, it waits for the client to confirm
     * with clientSecret.
     */
    Created subscribe(String customerId, String priceId, String paymentMethodId, Map<String, String> metadata, String idempotencyKey);

    record Created(StripeSubscription subscription, String clientSecret) {}

    /** Moves the subscription's item to another price now; Stripe prorates and invoices the difference at once. */
    StripeSubscription changePrice(String subscriptionId, String itemId, String priceId, String idempotencyKey);

    /** Ends the subscription now, or sets it to end with its current period. */
    StripeSubscription cancel(String subscriptionId, boolean atPeriodEnd);
}
