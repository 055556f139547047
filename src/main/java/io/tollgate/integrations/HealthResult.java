package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/** One health check's result (seed 003 integration_health). */
@Schema(name = "IntegrationHealthCheck")
public record HealthResult(String id, String connectionId, Instant checkTimestamp, HealthStatus status, Integer responseTimeMs,
                           String errorMessage, Integer httpStatusCode, String endpointTested, HealthCheckType checkType,
                           Map<String, Object> metadata) {}
