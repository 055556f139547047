package io.tollgate.metering;

import io.tollgate.platform.Idempotency;

/**
 * How a held call ended, for {@link Settlements#settle} and {@link Meter#settle}: succeeded (its hold is
 * captured, in whole or in part) or failed (released, its free and plan allowance given back), what its
 * usage row records, and the answer to keep for its Idempotency-Key.
 *
 * @param owed     for a success: what is owed of what was held, in credit-cost units (units used × credit_cost),
 *                 plan allowance first, then credits; the rest is released and given back. null: all of it
 * @param units    what the usage row records as units; null: the credits and plan units charged
 * @param upstream what the upstream of a proxied call did; null for other calls
 * @param answer   the Idempotency-Key's final answer (a replay answers it), or the key to free; null: no key
 */
public record Settlement(boolean success, int status, int durationMs, Long owed, Long units, UpstreamStats upstream, Answer answer) {

    /** reply null: the key is freed (deleted), so a retry with it runs afresh — for calls that did nothing. */
    public record Answer(Idempotency.ScopedKey key, Idempotency.Reply reply) {}

    public Settlement {
        if (owed != null && owed < 0) throw new IllegalArgumentException("owed must not be negative");
        if (units != null && units < 0) throw new IllegalArgumentException("units must not be negative");
        if (durationMs < 0) throw new IllegalArgumentException("durationMs must not be negative");
    }

    public static Settlement success(int status, int durationMs) {
        return new Settlement(true, status, durationMs, null, null, null, null);
    }

    public static Settlement failure(int status, int durationMs) {
        return new Settlement(false, status, durationMs, null, null, null, null);
    }

    /** Charges only {@code owed} of the hold (capped at what was held) and records {@code units}. */
    public Settlement owing(long owed, long units) {
        return new Settlement(success, status, durationMs, owed, units, upstream, answer);
    }

    public Settlement upstream(UpstreamStats stats) {
        return new Settlement(success, status, durationMs, owed, units, stats, answer);
    }

    public Settlement answer(Idempotency.ScopedKey key, Idempotency.Reply reply) {
        return new Settlement(success, status, durationMs, owed, units, upstream, key == null ? null : new Answer(key, reply));
    }
}
