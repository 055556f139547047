package io.tollgate.catalog;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Body of POST and PUT /api/admin/catalog-apps. On PUT, an absent field keeps its value; pricing_tier
 * sent as null clears it (any customer may activate).
 */
@Schema(name = "CatalogAppRequest")
public record CatalogAppRequest(
        @Pattern(regexp = "[a-z0-9][a-z0-9-]{1,49}", message = "must be 2-50 lower-case letters, digits and -, e.g. vto-001")
        @Schema(example = "vto-001") String id,
        @Size(min = 1, max = 100) @Schema(example = "Virtual Try-On") String name,
        @Size(max = 2000) String description,
        @Pattern(regexp = "[a-z][a-z0-9_]{0,49}", message = "must be 1-50 lower-case letters, digits and _") @Schema(example = "ai_vision")
        String category,
        @Min(1) @Max(1_000_000) @Schema(example = "5") Integer tokenCost,
        CatalogAppStatus status,
        @Size(max = 50) List<@Size(min = 1, max = 100) String> features,
        Map<String, Object> configurationSchema,
        @Schema(type = "string", example = "professional") Optional<@Size(min = 1, max = 50) String> pricingTier,
        @Size(max = 255) String documentationUrl,
        @Size(max = 255) String iconUrl,
        @Size(max = 2048) @Schema(example = "https://widgets.example.com/vto/") String widgetUrl) {
}
