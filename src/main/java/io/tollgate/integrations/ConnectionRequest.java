package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** Body of POST (provider and connection_name required) and PUT (absent fields keep their value; configuration is replaced whole). */
@Schema(name = "IntegrationConnectionRequest")
public record ConnectionRequest(
        @Size(max = 100) @Schema(description = "Provider id or provider_name (POST only)", example = "stripe") String provider,
        @Size(min = 1, max = 100) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String connectionName,
        ConnectionEnvironment environment,
        @Schema(description = "Validated against the provider's configuration_schema") Map<String, Object> configuration,
        Boolean isPrimary,
        HealthCheckType healthCheckType,
        @Min(10) @Max(86_400) Integer healthCheckIntervalSeconds,
        @Size(max = 500) @Schema(description = "Path (below the provider's base URL) of an api_call check; default the provider's health_check_path")
        String healthCheckPath,
        @Schema(description = "Credentials to store with the connection (POST only), by credential key")
        Map<String, @Valid CredentialRequest> credentials) {}
