package io.tollgate.billing;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/** A payer's subscription to a plan (seed 000 external_app_subscriptions, seed 001 customer_billing). */
@Schema(name = "Subscription")
public record Subscription(String id, String subscriberType, String subscriberId, String appId, String planId, String status,
                           Instant currentPeriodStart, Instant currentPeriodEnd, boolean autoRenew, boolean cancelAtPeriodEnd,
                           Instant canceledAt, Map<String, Object> metadata, Instant createdAt, Instant updatedAt) {}
