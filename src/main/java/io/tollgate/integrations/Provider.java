package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A provider of the catalog, as in effect on this server: fields a deployment overrides
 * (TOLLGATE_INTEGRATIONS_PROVIDER_OVERRIDES) are applied and named in {@code overridden}.
 */
@Schema(name = "IntegrationProvider")
public record Provider(
        @Schema(example = "prv_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        @Schema(example = "stripe") String providerName,
        @Schema(example = "Stripe") String displayName,
        ProviderType providerType,
        String description,
        String logoUrl,
        String documentationUrl,
        String apiVersion,
        boolean isActive,
        boolean requiresOauth,
        List<String> supportedRegions,
        @Schema(example = "usage_based") String pricingModel,
        @Schema(description = "Standard JSON Schema (draft 2020-12) a connection's configuration must satisfy") Map<String, Object> configurationSchema,
        @Schema(example = "https://api.stripe.com") String baseUrl,
        AuthStyle authStyle,
        @Schema(description = "Where injected values come from (\"credential:<key>\" or \"config:<field>\") and style details") Map<String, Object> authConfig,
        @Schema(description = "Credential keys a connection must have set before it can be activated") List<String> requiredCredentials,
        String healthPingPath,
        String healthCheckPath,
        String healthCheckMethod,
        Object healthCheckBody,
        @Schema(description = "Rules that turn a 2xx answer with an error in its body into a failed check") List<Map<String, Object>> healthErrorRules,
        Long costPerRequestMinor,
        String costCurrency,
        @Schema(description = "Set when the provider is private to one organization") String organizationId,
        boolean builtin,
        @Schema(description = "Fields this deployment points elsewhere") List<String> overridden,
        Instant createdAt,
        Instant updatedAt) {

    /** An auth_config entry as text, or null. */
    public String auth(String key) {
        Object value = authConfig.get(key);
        return value == null ? null : value.toString();
    }

    public boolean visibleTo(String organization) {
        return organizationId == null || organizationId.equals(organization);
    }
}
