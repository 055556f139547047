package io.tollgate.identity;

/**
 * An anonymous end user signed in to a registered account and was folded into it: {@code fromUserId}
 * is now status merged with merged_into = {@code intoUserId}. Published inside the merging
 * transaction; modules that keep per-user state (wallet balance, usage, subscriptions) move it from
 * one user to the other in the same transaction.
 */
public record EndUserMerged(String fromUserId, String intoUserId, String appId) {}
