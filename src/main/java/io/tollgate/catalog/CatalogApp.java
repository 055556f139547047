package io.tollgate.catalog;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A connected app of the catalog (seed 001 {@code apps}), as operators see it. */
@Schema(name = "CatalogApp")
public record CatalogApp(
        @Schema(example = "vto-001") String id,
        @Schema(example = "Virtual Try-On") String name,
        @Schema(example = "AI-powered virtual eyewear fitting") String description,
        @Schema(example = "ai_vision") String category,
        @Schema(description = "Tokens one session of the app costs", example = "5") int tokenCost,
        CatalogAppStatus status,
        @Schema(example = "[\"3D rendering\", \"Face detection\"]") List<String> features,
        @Schema(description = "Seed 001's format: setting name → {type, options, properties, default, required, min, max, pattern, max_length}")
        Map<String, Object> configurationSchema,
        @Schema(description = "The lowest plan that may activate the app; null: any customer", example = "professional") String pricingTier,
        @Schema(example = "/docs/apps/virtual-try-on") String documentationUrl,
        String iconUrl,
        @Schema(description = "Where the app's own widget lives; the embed loader frames it", example = "https://widgets.example.com/vto/")
        String widgetUrl,
        Instant createdAt,
        Instant updatedAt) {
}
