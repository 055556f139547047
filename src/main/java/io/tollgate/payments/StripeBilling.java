package io.tollgate.payments;

import java.util.Map;
import java.util.Optional;

/**
 * Stripe Billing for the billing module: customers, products, prices and subscriptions. Present only
 * when Stripe is configured (STRIPE_SECRET_KEY). Every call goes through {@link ProviderCalls}; calls
 * carry an idempotency key so retries are safe. Failures are {@link ProviderException}s (retryable or a decline).
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

    /** A Price as Stripe has it (empty when Stripe does not know the id). interval: month or year. */
    Optional<PriceTerms> price(String priceId);

    record PriceTerms(String id, String productId, long unitAmountMinor, String currency, String interval, boolean active) {}

    /** A Product for a plan (its Prices hang off it). */
    String createProduct(String planId, String planName);

    /** A recurring Price of the product, monthly or yearly, unit amount in minor units. Prices are immutable at Stripe. */
    String createPrice(String productId, String planId, long unitAmountMinor, String currency, boolean yearly);

    /**
     * Starts a subscription. With a payment method, Stripe charges it now (status active, or incomplete
     * if the payment failed or needs the customer); without one, it waits for the client to confirm
     * with clientSecret. cancelAtPeriodEnd: auto_renew off.
     */
    Created subscribe(String customerId, String priceId, String paymentMethodId, Map<String, String> metadata, boolean cancelAtPeriodEnd,
                      String idempotencyKey);

    /** A subscription as Stripe answered, and the client secret of its latest invoice's payment (to confirm in the client), if any. */
    record Created(StripeSubscription subscription, String clientSecret) {}

    /**
     * Moves the subscription's item to another price now; Stripe prorates and invoices the difference at
     * once, and with payment_behavior=pending_if_incomplete the price only changes when that invoice is
     * paid ({@link StripeSubscription#pendingUpdate()} meanwhile).
     */
    Created changePrice(String subscriptionId, String itemId, String priceId, String idempotencyKey);

    /** Ends the subscription now, or sets it to end with its current period. */
    StripeSubscription cancel(String subscriptionId, boolean atPeriodEnd);

    /** auto_renew at Stripe: cancel_at_period_end = !autoRenew. */
    StripeSubscription autoRenew(String subscriptionId, boolean autoRenew);

    /** The Stripe subscription made for one of ours (its metadata carries our id), when the answer to its create was lost. */
    Optional<StripeSubscription> findByTollgateId(String tollgateSubscriptionId);
}
