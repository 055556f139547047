package io.tollgate.webhooks;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An organization's URL subscribed to event types, as the API shows it: never its secret.
 * status: enabled (receives events), inactive (switched off by the organization: receives nothing),
 * disabled (switched off by Tollgate: it answered 410 Gone or failed for days; its events are held
 * for recovery until it is enabled again).
 */
@Schema(name = "WebhookEndpoint")
public record WebhookEndpoint(
        @Schema(example = "whe_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        @Schema(example = "org_01jf3k9w6h2xv8n4q5r7s9t1u3") String organizationId,
        @Schema(example = "https://hooks.example.com/tollgate") String url,
        @Schema(example = "Payments to our ERP") String description,
        @Schema(example = "[\"payment.*\", \"credits.low\"]") List<String> eventTypes,
        @Schema(allowableValues = {"enabled", "inactive", "disabled"}) String status,
        boolean active,
        Instant disabledAt,
        @Schema(description = "gone (410) or failing", example = "failing") String disabledReason,
        @Schema(description = "Deliveries per second at most (per node); null for no limit", example = "50") Integer rateLimitPerSecond,
        @Schema(description = "Sent with every delivery", example = "{\"X-Tenant\": \"acme\"}") Map<String, String> headers,
        @Schema(description = "One delivery at a time, in event order, numbered in webhook-sequence") boolean ordered,
        @Schema(description = "Until then the previous secret signs too (after a rotation)") Instant previousSecretExpiresAt,
        Instant createdAt,
        Instant updatedAt) {}
