package io.tollgate.operators;

import java.time.Instant;

/** A person who signs in to the console. */
public record Operator(String id, String email, OperatorRole role, String status, Instant lockedUntil,
                       Instant lastLoginAt, Instant createdAt, Instant updatedAt) {}
