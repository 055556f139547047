package io.tollgate.webhooks;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/**
 * One event for one endpoint. status: pending (waiting for its next attempt, or in flight), succeeded,
 * failed (its retries ran out, or the endpoint was deleted), held (the endpoint is disabled; kept for
 * recovery). payload: the body every attempt sent, in the single-delivery view only.
 */
@Schema(name = "WebhookDelivery")
public record WebhookDelivery(
        @Schema(example = "whd_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        @Schema(description = "The event's id, sent as webhook-id", example = "msg_01jf3k9w6h2xv8n4q5r7s9t1u3") String eventId,
        @Schema(example = "payment.succeeded") String eventType,
        @Schema(allowableValues = {"pending", "succeeded", "failed", "held"}) String status,
        @Schema(description = "webhook-sequence, for an ordered endpoint") Long sequence,
        int attempts,
        Instant nextAttemptAt,
        Integer lastStatusCode,
        String lastError,
        Instant createdAt,
        Instant deliveredAt,
        Map<String, Object> payload) {}
