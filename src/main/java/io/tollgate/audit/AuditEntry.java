package io.tollgate.audit;

import java.time.Instant;

/** One audit row; before and after are whatever JSON the change recorded (an object, an array or a scalar). */
public record AuditEntry(String id, String actorType, String actorId, String action, String targetType,
                         String targetId, Object before, Object after,
                         String requestId, Instant createdAt) {}
