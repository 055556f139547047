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
        @Schema(description = "Calls per feature per UTC day beyond any free allowance; null for no cap", example = "20") Integer dailyLimit,
        @Schema(description = "Credits granted when a payer starts on this plan", example = "3") long initialCredits,
        List<String> features,
        @Schema(description = "Feature names the allowance and daily limit apply to; \"*\" for all") List<String> includedFeatures,
        String stripePriceId,
        boolean isDefault,
        boolean isActive,
        Instant createdAt,
        Instant updatedAt) {

    public boolean covers(String featureName) {
        return includedFeatures.contains("*") || includedFeatures.contains(featureName);
    }

    public enum PlanAudience { END_USER, ORGANIZATION }
    public enum BillingCycle { MONTHLY, YEARLY }
}
