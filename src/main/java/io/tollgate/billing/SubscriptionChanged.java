package io.tollgate.billing;

/**
 * A subscription row was created (before is null) or changed. Published by the store inside the
 * changing transaction, for every write, so listeners (webhooks) see each change of status or period
 * exactly once and commit with it.
 */
public record SubscriptionChanged(Subscription before, Subscription after) {}
