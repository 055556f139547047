package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An organization's connection to a provider (seed 003 integration_connections). Credentials are never part of it. */
@Schema(name = "IntegrationConnection")
public record Connection(
        @Schema(example = "con_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        String organizationId,
        String providerId,
        @Schema(example = "stripe") String providerName,
        ProviderType providerType,
        @Schema(example = "Stripe (live)") String connectionName,
        ConnectionStatus status,
        ConnectionEnvironment environment,
        Map<String, Object> configuration,
        boolean isPrimary,
        HealthStatus healthStatus,
        Instant lastHealthCheck,
        HealthCheckType healthCheckType,
        int healthCheckIntervalSeconds,
        String healthCheckPath,
        Instant nextCheckAt,
        String errorMessage,
        Instant connectedAt,
        Instant disconnectedAt,
        @Schema(description = "Who created it: operator:<id>, admin_token:<id> or api_key:<id>") String createdBy,
        Instant createdAt,
        Instant updatedAt,
        @Schema(description = "Credential keys the provider needs that are not set yet") List<String> missingCredentials) {

    public Connection withMissing(List<String> missing) {
        return new Connection(id, organizationId, providerId, providerName, providerType, connectionName, status, environment, configuration, isPrimary,
                healthStatus, lastHealthCheck, healthCheckType, healthCheckIntervalSeconds, healthCheckPath, nextCheckAt, errorMessage,
                connectedAt, disconnectedAt, createdBy, createdAt, updatedAt, missing);
    }
}
