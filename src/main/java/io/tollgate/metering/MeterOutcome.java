package io.tollgate.metering;

import io.tollgate.platform.ApiError;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Idempotency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * How a metered call ended: accepted (and what paid for it), refused (and why), or a replay of an
 * earlier answer to the same Idempotency-Key. reply is set for calls with a key: the answer stored
 * with them (replayed or first).
 */
public record MeterOutcome(boolean accepted, PricingSource source, long creditsUsed, long creditsRemaining, long planUnitsUsed,
                           FreeTier freeTier, ActivePlan plan, long chargeMinor, String currency, Refusal refusal,
                           HoldTicket ticket, Long usageId, Idempotency.Reply reply) {

    public record FreeTier(long used, long limit) {
        public long remaining() { return Math.max(0, limit - used); }
    }

    /** A refusal with seed 000's codes: QUOTA_EXCEEDED, DAILY_LIMIT_REACHED, INSUFFICIENT_CREDITS, SUBSCRIPTION_REQUIRED. */
    public record Refusal(int status, String code, String message, Map<String, Object> details, Map<String, Object> extra,
                          Long retryAfterSeconds) {
        public ApiError toError() { return new ApiError(code, message, details, extra); }

        public ApiException toException() {
            return new ApiException(HttpStatus.valueOf(status), code, message, details, extra);
        }

        /** SUBSCRIPTION_REQUIRED naming the plans that include the feature; other refusals as they are. */
        public Refusal offering(List<String> planIds) {
            if (!"SUBSCRIPTION_REQUIRED".equals(code) || planIds.isEmpty()) return this;
            Map<String, Object> named = new LinkedHashMap<>(details);
            named.put("hint", "Subscribe to " + String.join(" or ", planIds) + " with POST /api/v1/subscriptions");
            named.put("plans", planIds);
            return new Refusal(status, code, message, named, extra, retryAfterSeconds);
        }
    }

    public boolean replayed() { return reply != null && reply.replayed(); }

    /**
     * The usage fields of seed 000's pricing examples, added to a response's data: the free tier
     * block, credits used/remaining, or the subscription.
     */
    public Map<String, Object> usageFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (!accepted) return fields;
        fields.put("pricing", source.name().toLowerCase());
        switch (source) {
            case FREE_TIER -> fields.put("usage", Map.of("free_tier_used", freeTier.used(), "free_tier_limit", freeTier.limit(),
                    "remaining_free", freeTier.remaining()));
            case CREDITS -> {
                fields.put("credits_used", creditsUsed);
                fields.put("credits_remaining", creditsRemaining);
            }
            case PLAN, PLAN_AND_CREDITS -> {
                fields.put("subscription", subscription());
                if (source == PricingSource.PLAN_AND_CREDITS) {
                    fields.put("credits_used", creditsUsed);
                    fields.put("credits_remaining", creditsRemaining);
                }
            }
            case PER_REQUEST -> fields.put("charge", Map.of("amount_minor", chargeMinor, "currency", currency));
            case FREE -> { }
        }
        return fields;
    }

    /** Seed 000's subscription block: plan, status, expires_at (a date). */
    public Map<String, Object> subscription() {
        Map<String, Object> block = new LinkedHashMap<>();
        if (plan == null) return block;
        block.put("plan", plan.plan().id());
        block.put("status", plan.status());
        block.put("expires_at", plan.periodEnd() == null ? null : plan.periodEnd().atZone(java.time.ZoneOffset.UTC).toLocalDate().toString());
        return block;
    }
}
