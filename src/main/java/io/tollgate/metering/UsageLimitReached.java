package io.tollgate.metering;

import java.time.Instant;

/**
 * A payer used up a limit: the call that filled a daily cap or an allowance to its limit, or a call the
 * limit refused. Published inside the metering batch's transaction; one per payer and limit per batch
 * (a listener that wants it once per period keys it by {@code period}, which names the payer's counter
 * for that period).
 *
 * @param period the counter's name, unique per payer, feature (or subscription) and period
 */
public record UsageLimitReached(Limit limit, Payer.Type payerType, String payerId, String appId, String organizationId,
                                String feature, String planId, long limitValue, String period, Instant resetsAt) {

    /** DAILY: a plan's daily cap; PLAN: a plan's allowance for the period; FREE_TIER: a feature's free allowance. */
    public enum Limit { DAILY, PLAN, FREE_TIER }
}
