package io.tollgate.metering;

import io.tollgate.platform.Idempotency;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One metered call, as a controller describes it. units is what the call costs in credits (the
 * feature's credit_cost, a content item's price, the tokens consumed).
 *
 * @param responder     builds the final answer; required with an idempotency key, because that answer
 *                      is stored in the same transaction as the debit (it runs on the writer thread:
 *                      keep it pure and quick)
 * @param inTransaction extra writes that must commit with an accepted call (a job row); may be null
 */
public record MeterRequest(Payer payer, ActivePlan plan, String appId, String organizationId, String apiKeyId,
                           String endUserId, FeatureRule rule, long units, Mode mode, Duration holdTtl, int successStatus,
                           String endpoint, String method, String sessionId, String requestId, long startedNanos,
                           Idempotency.ScopedKey idempotencyKey, byte[] requestHash,
                           Function<MeterOutcome, Idempotency.Reply> responder, Consumer<MeterOutcome> inTransaction) {

    public enum Mode { DEBIT, HOLD }

    public static final long MAX_UNITS = 1_000_000_000L;

    public MeterRequest {
        if (units < 0 || units > MAX_UNITS) throw new IllegalArgumentException("units out of range: " + units);
        if (idempotencyKey != null && responder == null) throw new IllegalArgumentException("an idempotent call needs a responder");
        if (mode == Mode.HOLD && holdTtl == null) throw new IllegalArgumentException("a hold needs a time to live");
    }

    /** Units drawn from a plan allowance: at least one per call. */
    long allowanceUnits() {
        return Math.max(1, units);
    }

    boolean creditsAccepted() {
        return rule.pricingType() == PricingType.CREDIT || (rule.pricingType() == PricingType.PER_REQUEST && units > 0);
    }
}
