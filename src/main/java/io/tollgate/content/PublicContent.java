package io.tollgate.content;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * A content item as apps see it (seed 000 "Content Response"). url and body of a paid item are
 * null here; POST …/view or …/download pays for them and answers with them filled in.
 */
@Schema(name = "Content")
public record PublicContent(
        @Schema(example = "cnt_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        @Schema(example = "Sunset timelapse") String title,
        ContentType type,
        String description,
        @Schema(description = "null until access is paid for, unless the item is free") String url,
        @Schema(example = "https://cdn.example/sunset.jpg") String thumbnail,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "Article text, when unlocked") String body,
        Pricing pricing,
        Instant createdAt) {

    public record Pricing(ContentPricing type, int creditsRequired, int downloadCreditsRequired) {}

    /** What GET shows: free items in full, paid ones without what they sell. */
    static PublicContent preview(ContentItem item) {
        return item.free() ? unlocked(item) : of(item, null, null);
    }

    static PublicContent unlocked(ContentItem item) {
        return of(item, item.url(), item.body());
    }

    private static PublicContent of(ContentItem item, String url, String body) {
        return new PublicContent(item.id(), item.title(), item.type(), item.description(), url, item.thumbnailUrl(), body,
                new Pricing(item.pricingType(), item.creditsRequired(), item.free() ? 0 : item.downloadCredits()), item.createdAt());
    }
}
