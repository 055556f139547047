package io.tollgate.apps;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/** An external app (seed 000 external_applications) as the admin API shows it. */
@Schema(name = "Application")
public record Application(
        @Schema(example = "app_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        @Schema(example = "org_01jf3k9w6h2xv8n4q5r7s9t1u3") String organizationId,
        @Schema(example = "Sunset Studio") String name,
        String description,
        AppType appType,
        @Schema(example = "https://sunset.example") String appUrl,
        @Schema(example = "com.example.sunset") String appIdentifier,
        AppStatus status,
        PricingModel pricingModel,
        Map<String, Object> metadata,
        Instant createdAt,
        Instant updatedAt) {}
