package io.tollgate.metering;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/** A billable feature of an app and its price rule (seed 000 external_app_pricing). */
@Schema(name = "Feature")
public record Feature(
        @Schema(example = "fea_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        String appId,
        @Schema(example = "image_generation") String featureName,
        @Schema(example = "Image generation") String displayName,
        PricingType pricingType,
        @Schema(description = "Credits per call", example = "10") int creditCost,
        @JsonProperty("price_per_request") @Schema(description = "Money per call, in minor units of currency", example = "0")
        long pricePerRequestMinor,
        @Schema(description = "What one call costs us, in minor units", example = "0") long costPerRequestMinor,
        @Schema(example = "USD") String currency,
        @Schema(description = "Free calls per period before other pricing applies; null for none", example = "10") Integer freeTierLimit,
        FreeTierPeriod freeTierPeriod,
        FeatureBackend backend,
        String upstreamUrl,
        int timeoutSeconds,
        String status,
        Map<String, Object> metadata,
        Instant createdAt,
        Instant updatedAt) {}
