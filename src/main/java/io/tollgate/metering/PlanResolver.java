package io.tollgate.metering;

import java.util.Optional;

/**
 * Implemented by the billing module, which owns subscriptions: which plan a payer is on now. Must
 * answer from memory on the hot path. Empty means no subscription (the default plan then applies).
 */
public interface PlanResolver {
    Optional<ActivePlan> subscribed(Payer.Type type, String payerId);
}
