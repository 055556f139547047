package io.tollgate.webhooks;

import java.time.Instant;

/**
 * How one claimed delivery ended on this node, and what happens to it next: nextStatus (pending,
 * succeeded, failed or held) and, while pending, when it is due again.
 *
 * @param outcome SUCCEEDED (2xx in time), FAILED (anything else), GONE (410: the endpoint is disabled),
 *                DEFERRED (the endpoint's rate limit: not attempted, due again shortly), HELD (the
 *                endpoint stopped receiving while the delivery waited: not attempted)
 */
record DeliveryResult(DeliveryStore.Claimed claimed, Outcome outcome, Integer responseStatus, String responseExcerpt, String error,
                      int latencyMillis, Instant attemptedAt, String nextStatus, Instant nextAttemptAt) {

    enum Outcome { SUCCEEDED, FAILED, GONE, DEFERRED, HELD }

    boolean attempted() {
        return outcome == Outcome.SUCCEEDED || outcome == Outcome.FAILED || outcome == Outcome.GONE;
    }

    static DeliveryResult deferred(DeliveryStore.Claimed claimed, Instant dueAt) {
        return new DeliveryResult(claimed, Outcome.DEFERRED, null, null, null, 0, dueAt, "pending", dueAt);
    }

    static DeliveryResult held(DeliveryStore.Claimed claimed, Instant now) {
        return new DeliveryResult(claimed, Outcome.HELD, null, null, null, 0, now, "held", null);
    }
}
