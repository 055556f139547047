package io.tollgate.metering;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/**
 * The answer of POST /api/v1/features/{name}/check: would a call of this many units be allowed now, for this
 * payer, and what would pay for it. Read without locks, so a call made right after may still be refused
 * when others spend first; only /use and reservations decide for good.
 *
 * @param reason    the refusal's code when not allowed (the codes a real call would get: INSUFFICIENT_CREDITS, QUOTA_EXCEEDED, …)
 * @param freeTier  the feature's free allowance for this period, or null when it has none
 * @param plan      the payer's plan allowance for the feature, or null when its plan gives none
 * @param credits   the payer's credits and what the call would take of them if credits paid
 */
@Schema(name = "FeatureCheck")
public record FeatureCheck(boolean allowed, @Schema(example = "credits") String pricing, @Schema(example = "INSUFFICIENT_CREDITS") String reason,
                           String message, Map<String, Object> details, FreeTier freeTier, PlanAllowance plan, Credits credits) {

    public record FreeTier(long limit, long used, long remaining, String period) {}

    /** limit -1: unlimited. */
    public record PlanAllowance(String planId, long limit, long used, long remaining) {}

    public record Credits(long balance, long required) {}
}
