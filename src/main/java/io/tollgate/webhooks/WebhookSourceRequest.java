package io.tollgate.webhooks;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of POST and PUT (absent fields keep their value). secret: the provider's signing secret (Stripe's
 * whsec_… for that endpoint; a Standard Webhooks whsec_…; the shared key of an HMAC scheme); left out on
 * POST, one is made and shown once. scheme cannot change.
 */
@Schema(name = "WebhookSourceRequest")
public record WebhookSourceRequest(
        @Size(min = 1, max = 255) @Schema(example = "Stripe account") String name,
        InboundScheme scheme,
        @Size(min = 16, max = 500) String secret,
        @Size(max = 100) @Pattern(regexp = "[!#$%&'*+.^_`|~0-9A-Za-z-]+") @Schema(example = "X-Signature") String signatureHeader,
        @Min(1) @Max(86_400) @Schema(example = "300") Integer toleranceSeconds,
        Boolean forward,
        Boolean active) {}
