package io.tollgate.billing;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A payer's subscription to a plan (seed 000 external_app_subscriptions, seed 001 customer_billing).
 * status: incomplete (awaiting the first payment), active, past_due (a renewal is unpaid; the plan
 * still applies), unpaid (the grace period ran out; the plan no longer applies), canceled.
 */
@Schema(name = "Subscription")
public record Subscription(
        @Schema(example = "sub_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        @Schema(example = "end_user") String subscriberType, String subscriberId, String appId, String organizationId,
        @Schema(example = "premium") String planId,
        @Schema(example = "active") String status,
        Instant currentPeriodStart, Instant currentPeriodEnd,
        boolean autoRenew, boolean cancelAtPeriodEnd, Instant canceledAt, String cancelReason,
        @Schema(description = "none (an operator's), sandbox, mpesa or stripe", example = "mpesa") String paymentMethod,
        @Schema(description = "The plan's price per period this period was bought at", example = "250000") long priceMinor,
        @Schema(example = "KES") String currency,
        @Schema(description = "Left over from a downgrade; taken off the next renewals") long creditBalanceMinor,
        Instant billingAnchor, Instant pastDueSince,
        String stripeSubscriptionId, String stripeCustomerId,
        Map<String, Object> metadata, Instant createdAt, Instant updatedAt) {

    public static final String INCOMPLETE = "incomplete";
    public static final String ACTIVE = "active";
    public static final String PAST_DUE = "past_due";
    public static final String UNPAID = "unpaid";
    public static final String CANCELED = "canceled";
    /** Statuses that hold the subscriber's one place (a unique index). */
    public static final List<String> LIVE = List.of(INCOMPLETE, ACTIVE, PAST_DUE);

    public boolean live() {
        return LIVE.contains(status);
    }

    public boolean stripe() {
        return "stripe".equals(paymentMethod);
    }

    /** The cache key of the subscriber, as the plan resolver knows it. */
    String subscriberKey() {
        return subscriberType + ":" + subscriberId;
    }
}
