package io.tollgate.metering;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

@Schema(name = "PlanRequest")
public record PlanRequest(
        @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,49}", message = "must be 1-50 lower-case letters, digits, _ or -") @Schema(example = "team") String id,
        @Size(min = 1, max = 100) String name,
        @Size(max = 2000) String description,
        Plan.PlanAudience audience,
        @Min(0) @Max(1_000_000_000_000L) Long priceMinor,
        @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code") String currency,
        Plan.BillingCycle billingCycle,
        @Min(-1) @Max(1_000_000_000_000L) Long tokensPerMonth,
        @Min(0) @Max(1_000_000_000) Integer dailyLimit,
        @Min(0) @Max(1_000_000_000) Long initialCredits,
        @Size(max = 50) List<@Size(max = 200) String> features,
        @Size(max = 200) List<@Pattern(regexp = "\\*|[a-z0-9][a-z0-9_.:-]{0,99}") String> includedFeatures,
        @Size(max = 100) String stripePriceId,
        Boolean isDefault,
        Boolean isActive,
        @Schema(description = "Feature names daily_limit counts; \"*\" for all. Default: image_generation, video_generation, audio_generation")
        @Size(max = 200) List<@Pattern(regexp = "\\*|[a-z0-9][a-z0-9_.:-]{0,99}") String> dailyLimitFeatures) {

    /** Without daily_limit_features (left as it is, or the default for a new plan). */
    public PlanRequest(String id, String name, String description, Plan.PlanAudience audience, Long priceMinor, String currency,
                       Plan.BillingCycle billingCycle, Long tokensPerMonth, Integer dailyLimit, Long initialCredits, List<String> features,
                       List<String> includedFeatures, String stripePriceId, Boolean isDefault, Boolean isActive) {
        this(id, name, description, audience, priceMinor, currency, billingCycle, tokensPerMonth, dailyLimit, initialCredits, features,
                includedFeatures, stripePriceId, isDefault, isActive, null);
    }
}
