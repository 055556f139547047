package io.tollgate.identity;

/**
 * An end user row was created (any kind: registered, anonymous, external). Published inside the
 * creating transaction, so a listener's own writes (a wallet, a free allowance) commit with the user
 * or not at all.
 *
 * @param kind registered, anonymous or external
 */
public record EndUserCreated(String userId, String appId, String kind) {}
