package io.tollgate.integrations;

import java.time.Instant;

/**
 * A connection's health status changed (event type integration.health_changed). Published inside the transaction
 * that records the check, so a listener that writes (the webhooks outbox) commits with it or not at all; an audit
 * entry is written in the same transaction.
 */
public record IntegrationHealthChanged(String connectionId, String organizationId, String providerName, String connectionName,
                                       HealthStatus previousStatus, HealthStatus status, HealthCheckType checkType, Integer httpStatus,
                                       String errorMessage, Instant checkedAt) {
    public static final String TYPE = "integration.health_changed";
}
