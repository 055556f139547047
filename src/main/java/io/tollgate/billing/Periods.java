package io.tollgate.billing;

import io.tollgate.metering.Plan;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Billing periods in UTC, counted from the anchor (the first period's start): the n-th period ends at
 * anchor + n months (or years). Counting from the anchor, not from the last end, keeps a subscription
 * started on the 31st ending on month ends after February instead of drifting to the 28th.
 */
final class Periods {
    /** A hundred years of monthly periods: more than any subscription will see. */
    private static final int MAX_PERIODS = 1_200;

    private Periods() {}

    static Instant end(Instant anchor, Plan.BillingCycle cycle, int periods) {
        ZonedDateTime start = anchor.atZone(ZoneOffset.UTC);
        return (cycle == Plan.BillingCycle.YEARLY ? start.plusYears(periods) : start.plusMonths(periods)).toInstant();
    }

    /** The first period end after {@code after}: where a period that starts at {@code after} ends. */
    static Instant nextEnd(Instant anchor, Plan.BillingCycle cycle, Instant after) {
        for (int n = 1; n <= MAX_PERIODS; n++) {
            Instant end = end(anchor, cycle, n);
            if (end.isAfter(after)) return end;
        }
        throw new IllegalStateException("period end beyond " + MAX_PERIODS + " periods from " + anchor);
    }
}
