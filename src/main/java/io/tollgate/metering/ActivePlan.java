package io.tollgate.metering;

import java.time.Instant;

/** A payer's plan right now: from a subscription, or the default plan when it has none. */
public record ActivePlan(Plan plan, String subscriptionId, String status, Instant periodStart, Instant periodEnd) {
    public boolean subscribed() {
        return subscriptionId != null;
    }
}
