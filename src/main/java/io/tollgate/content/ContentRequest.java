package io.tollgate.content;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Body of POST (title and type required) and PUT (absent fields keep their value). A credit-priced item
 * needs credits_required above zero.
 */
@Schema(name = "ContentRequest")
public record ContentRequest(
        @Size(min = 1, max = 255) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
        @Schema(example = "Sunset timelapse") String title,
        ContentType type,
        @Size(max = 2000) @Pattern(regexp = "https?://\\S+", message = "must be an http or https URL")
        @Schema(example = "https://cdn.example/sunset.mp4") String url,
        @Size(max = 2000) @Pattern(regexp = "https?://\\S+", message = "must be an http or https URL") String thumbnailUrl,
        @Size(max = 5000) String description,
        @Size(max = 100_000) String body,
        ContentPricing pricingType,
        @Min(0) @Max(1_000_000_000) @Schema(example = "5") Integer creditsRequired,
        @Min(0) @Max(1_000_000_000) Integer downloadCreditsRequired,
        ContentStatus status,
        Map<String, Object> metadata) {}
