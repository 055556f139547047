package io.tollgate.webhooks;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * Where a provider posts its webhooks for an organization: POST /webhooks/in/{token} (inbound_url).
 * Never shows the secret. forward: verified events are also sent to the organization's endpoints as
 * inbound.received.
 */
@Schema(name = "WebhookSource")
public record WebhookSource(
        @Schema(example = "whs_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        String organizationId,
        @Schema(example = "Stripe account") String name,
        @Schema(description = "The path the provider posts to", example = "/webhooks/in/whin_3kQ9x…") String inboundPath,
        InboundScheme scheme,
        @Schema(description = "hmac_sha256_hex: the header carrying the signature", example = "X-Signature") String signatureHeader,
        @Schema(example = "300") int toleranceSeconds,
        boolean forward,
        boolean active,
        Instant createdAt,
        Instant updatedAt) {}
