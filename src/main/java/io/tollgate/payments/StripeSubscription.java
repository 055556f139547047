package io.tollgate.payments;

import java.time.Instant;
import java.util.Map;

/**
 * A Stripe Subscription as the billing module needs it: Stripe's status (active, past_due, unpaid,
 * canceled, incomplete, incomplete_expired, trialing, paused), its one item's price and period.
 * metadata carries our tollgate_subscription_id, so an event can find its subscription even before
 * we have stored Stripe's id. pendingUpdate: a change asked with payment_behavior=pending_if_incomplete
 * waits for its payment; the items (price) are still the old ones until it is paid.
 */
public record StripeSubscription(String id, String customerId, String status, String itemId, String priceId,
                                 Instant currentPeriodStart, Instant currentPeriodEnd, boolean cancelAtPeriodEnd,
                                 Instant endedAt, Map<String, String> metadata, boolean pendingUpdate) {
    public static final String METADATA_SUBSCRIPTION_ID = "tollgate_subscription_id";

    public String tollgateSubscriptionId() {
        return metadata == null ? null : metadata.get(METADATA_SUBSCRIPTION_ID);
    }
}
