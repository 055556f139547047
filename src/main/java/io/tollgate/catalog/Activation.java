package io.tollgate.catalog;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A customer's activation of a catalog app (seed 001 {@code customer_apps}); a customer is an organization. */
@Schema(name = "Activation")
public record Activation(
        @Schema(example = "act_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        @Schema(example = "org_01jf3k9w6h2xv8n4q5r7s9t1u3") String organizationId,
        @Schema(description = "The catalog app", example = "vto-001") String appId,
        @Schema(example = "Virtual Try-On") String appName,
        ActivationStatus status,
        @Schema(description = "The configuration as validated, with the schema's defaults filled in") Map<String, Object> configuration,
        @Schema(description = "Origins the embed key is accepted from", example = "[\"https://shop.example.com\"]") List<String> allowedOrigins,
        @Schema(description = "The publishable key of the embed code (null once deactivated)", example = "key_01jf3k9w6h2xv8n4q5r7s9t1u3")
        String embedKeyId,
        @Schema(description = "The organization's app whose key (or OAuth client) activated it; the embed key is one of its keys")
        String activatedBy,
        Instant activatedAt,
        Instant deactivatedAt,
        Instant lastUsedAt,
        Instant createdAt,
        Instant updatedAt) {
}
