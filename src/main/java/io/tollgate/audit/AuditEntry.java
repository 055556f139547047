package io.tollgate.audit;

import java.time.Instant;
import java.util.Map;

public record AuditEntry(String id, String actorType, String actorId, String action, String targetType,
                         String targetId, Map<String, Object> before, Map<String, Object> after,
                         String requestId, Instant createdAt) {}
