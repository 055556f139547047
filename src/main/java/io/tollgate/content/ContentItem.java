package io.tollgate.content;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/** A content item as the admin API shows it: everything, including what paid access unlocks. */
@Schema(name = "ContentItem")
public record ContentItem(
        @Schema(example = "cnt_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        String appId,
        @Schema(example = "Sunset timelapse") String title,
        ContentType type,
        @Schema(example = "https://cdn.example/sunset.mp4") String url,
        @Schema(example = "https://cdn.example/sunset.jpg") String thumbnailUrl,
        String description,
        @Schema(description = "Article text; revealed like url") String body,
        ContentPricing pricingType,
        @Schema(description = "Credits per view for pricing_type credit", example = "5") int creditsRequired,
        @Schema(description = "Credits per download; null means the same as a view", example = "8") Integer downloadCreditsRequired,
        ContentStatus status,
        Map<String, Object> metadata,
        Instant createdAt,
        Instant updatedAt) {

    public boolean free() {
        return pricingType == ContentPricing.FREE;
    }

    /** What a download costs in credits for an item priced in credits. */
    public int downloadCredits() {
        return downloadCreditsRequired == null ? creditsRequired : downloadCreditsRequired;
    }
}
