package io.tollgate.webhooks;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/**
 * A verified event from a provider (seed 003 webhook_events). processing_status: pending → processing
 * → completed, or retrying (with next_attempt_at) and after the last attempt failed.
 */
@Schema(name = "InboundEvent")
public record InboundEvent(
        @Schema(example = "whi_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        String sourceId,
        String organizationId,
        @Schema(example = "evt_1QfZx2") String eventId,
        @Schema(example = "charge.succeeded") String eventType,
        Map<String, Object> payload,
        @Schema(allowableValues = {"pending", "processing", "completed", "failed", "retrying"}) String processingStatus,
        int retryCount,
        String errorMessage,
        Instant nextAttemptAt,
        Instant processedAt,
        Instant receivedAt) {}
