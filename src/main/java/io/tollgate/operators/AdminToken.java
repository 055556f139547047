package io.tollgate.operators;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

@Schema(name = "AdminToken")
public record AdminToken(String id, String name, OperatorRole role, String tokenPrefix, String tokenLast4, String status,
                         Instant expiresAt, Instant lastUsedAt, String createdBy, Instant createdAt, Instant revokedAt) {}
