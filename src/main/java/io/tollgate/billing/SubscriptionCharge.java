package io.tollgate.billing;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * What a subscription was charged and why: kind first, renewal or change (a plan change, with its
 * proration). status: pending (its payment is under way), paid, failed, applied (nothing to pay).
 */
@Schema(name = "SubscriptionCharge")
public record SubscriptionCharge(String id, String subscriptionId, String kind, String status, String paymentId, long amountMinor,
                                 String currency, Instant periodStart, Instant periodEnd, long creditAppliedMinor,
                                 String fromPlanId, String toPlanId, Long prorationCreditMinor, Long prorationChargeMinor,
                                 Long remainingSeconds, Long periodSeconds, String failureCode, Instant createdAt, Instant settledAt) {
    static final String FIRST = "first";
    static final String RENEWAL = "renewal";
    static final String CHANGE = "change";
}
