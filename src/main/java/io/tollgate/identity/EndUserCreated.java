package io.tollgate.identity;

/** An end user row was created (any kind); published inside the creating transaction. */
public record EndUserCreated(String userId, String appId, String kind) {}
