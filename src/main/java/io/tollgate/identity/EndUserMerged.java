package io.tollgate.identity;

/** An anonymous user was merged into a registered one; published inside the merging transaction. */
public record EndUserMerged(String fromUserId, String intoUserId, String appId) {}
