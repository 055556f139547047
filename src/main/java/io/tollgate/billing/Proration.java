package io.tollgate.billing;

import java.math.BigInteger;
import java.math.RoundingMode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * A plan change in the middle of a period, in whole seconds: the unused part of the old price comes
 * back as a credit, the remaining part of the new price is charged.
 * <pre>
 *   remaining = period_end − now      (seconds, 0 … period)
 *   credit    = round(old_price × remaining / period)
 *   charge    = round(new_price × remaining / period)
 *   net       = charge − credit       (> 0: paid now; < 0: kept as credit for the next renewals)
 * </pre>
 * Each amount is rounded on its own to the nearest minor unit, halves up (as Stripe rounds each
 * proration line), so two plans at the same price always net to exactly 0.
 */
record Proration(long creditMinor, long chargeMinor, long netMinor, long remainingSeconds, long periodSeconds) {

    static Proration of(long oldPriceMinor, long newPriceMinor, Instant periodStart, Instant periodEnd, Instant now) {
        long period = Math.max(1, Duration.between(periodStart, periodEnd).toSeconds());
        long remaining = Math.clamp(Duration.between(now, periodEnd).toSeconds(), 0, period);
        long credit = share(oldPriceMinor, remaining, period);
        long charge = share(newPriceMinor, remaining, period);
        return new Proration(credit, charge, charge - credit, remaining, period);
    }

    /** price × part / whole, to the nearest integer, halves up; exact for any price and period. */
    static long share(long priceMinor, long part, long whole) {
        return new BigDecimal(BigInteger.valueOf(priceMinor).multiply(BigInteger.valueOf(part)))
                .divide(BigDecimal.valueOf(whole), 0, RoundingMode.HALF_UP).longValueExact();
    }
}
