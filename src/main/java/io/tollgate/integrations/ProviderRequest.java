package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/** Body of POST (provider_name, display_name, provider_type, base_url and auth_style required) and PUT (absent keeps). */
@Schema(name = "IntegrationProviderRequest")
public record ProviderRequest(
        @Pattern(regexp = "[a-z][a-z0-9_]{1,49}", message = "must be 2-50 lower-case letters, digits and _") @Schema(example = "acme_crm") String providerName,
        @Size(min = 1, max = 100) String displayName,
        ProviderType providerType,
        @Size(max = 2000) String description,
        @Size(max = 2000) String logoUrl,
        @Size(max = 2000) String documentationUrl,
        @Size(max = 20) String apiVersion,
        Boolean isActive,
        Boolean requiresOauth,
        @Size(max = 100) List<@Size(min = 1, max = 50) String> supportedRegions,
        @Pattern(regexp = "free|freemium|paid|usage_based") String pricingModel,
        Map<String, Object> configurationSchema,
        @Size(max = 2000) @Schema(example = "https://api.acme-crm.example") String baseUrl,
        AuthStyle authStyle,
        Map<String, Object> authConfig,
        @Size(max = 500) String healthPingPath,
        @Size(max = 500) String healthCheckPath,
        @Pattern(regexp = "GET|HEAD|POST") String healthCheckMethod,
        Object healthCheckBody,
        @Size(max = 20) List<Map<String, Object>> healthErrorRules,
        @Min(0) @Max(1_000_000_000L) Long costPerRequestMinor,
        @Pattern(regexp = "[A-Z]{3}") String costCurrency,
        @Schema(description = "Make the provider private to this organization") String organizationId) {}
