package io.tollgate.metering;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** A plan or tier (seed 001 billing_plans, seed 004 tiers). Money in minor units of currency. */
@Schema(name = "Plan")
public record Plan(
        @Schema(example = "professional") String id,
        @Schema(example = "Professional") String name,
        String description,
        PlanAudience audience,
        @Schema(example = "19900") long priceMinor,
        @Schema(example = "USD") String currency,
        BillingCycle billingCycle,
        @Schema(description = "Monthly allowance in credits/tokens; -1 unlimited, 0 none", example = "10000") long tokensPerMonth,
        @Schema(description = "Calls per feature per UTC day beyond any free allowance, for the features in daily_limit_features; null for no cap",
                example = "20") Integer dailyLimit,
        @Schema(description = "Credits granted when a payer starts on this plan", example = "3") long initialCredits,
        List<String> features,
        @Schema(description = "Feature names the monthly allowance applies to; \"*\" for all") List<String> includedFeatures,
        @Schema(description = "Feature names daily_limit counts; \"*\" for all", example = "[\"image_generation\", \"video_generation\", \"audio_generation\"]")
        List<String> dailyLimitFeatures,
        String stripePriceId,
        boolean isDefault,
        boolean isActive,
        Instant createdAt,
        Instant updatedAt) {

    /** Whether the monthly allowance pays for this feature. */
    public boolean covers(String featureName) {
        return includedFeatures.contains("*") || includedFeatures.contains(featureName);
    }

    /** Whether calls of this feature count towards (and stop at) the daily limit. */
    public boolean capsDaily(String featureName) {
        return dailyLimit != null && (dailyLimitFeatures.contains("*") || dailyLimitFeatures.contains(featureName));
    }

    /** What daily_limit_features is when a new plan does not say: seed 004's limits are on generation. */
    public static final List<String> GENERATION_FEATURES = List.of("image_generation", "video_generation", "audio_generation");

    public enum PlanAudience { END_USER, ORGANIZATION }
    public enum BillingCycle { MONTHLY, YEARLY }
}
