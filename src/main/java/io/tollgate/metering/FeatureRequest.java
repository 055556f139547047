package io.tollgate.metering;

import io.swagger.v3.oas.annotations.media.Schema;
import io.tollgate.platform.ApiException;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * POST needs feature_name and pricing_type; PUT changes what it is given (not feature_name). The
 * per-call price is price_per_request (minor units, with currency); price_per_request_minor is its
 * old name, still accepted.
 */
@Schema(name = "FeatureRequest")
public record FeatureRequest(
        @Pattern(regexp = "[a-z0-9][a-z0-9_.:-]{0,99}", message = "must be 1-100 lower-case letters, digits and _ . : -")
        @Schema(example = "image_generation") String featureName,
        @Size(max = 255) String displayName,
        PricingType pricingType,
        @Min(0) @Max(1_000_000_000) @Schema(example = "10") Integer creditCost,
        @Min(0) @Max(1_000_000_000_000L) @Schema(description = "Old name of price_per_request, still accepted", deprecated = true)
        Long pricePerRequestMinor,
        @Min(0) @Max(1_000_000_000_000L) Long costPerRequestMinor,
        @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as USD, THB, KES, AED") String currency,
        @Min(0) @Max(1_000_000_000) @Schema(example = "10") Integer freeTierLimit,
        FreeTierPeriod freeTierPeriod,
        FeatureBackend backend,
        @Size(max = 2000) @Pattern(regexp = "https?://\\S+", message = "must be an http or https URL") String upstreamUrl,
        @Min(1) @Max(3600) Integer timeoutSeconds,
        @Pattern(regexp = "active|disabled", message = "must be active or disabled") String status,
        Map<String, Object> metadata,
        @Min(0) @Max(1_000_000_000_000L) @Schema(description = "Money per call in minor units of currency (required with it)", example = "150")
        Long pricePerRequest) {

    /** Without price_per_request (the console names it by its old name). */
    public FeatureRequest(String featureName, String displayName, PricingType pricingType, Integer creditCost, Long pricePerRequestMinor,
                          Long costPerRequestMinor, String currency, Integer freeTierLimit, FreeTierPeriod freeTierPeriod,
                          FeatureBackend backend, String upstreamUrl, Integer timeoutSeconds, String status, Map<String, Object> metadata) {
        this(featureName, displayName, pricingType, creditCost, pricePerRequestMinor, costPerRequestMinor, currency, freeTierLimit,
                freeTierPeriod, backend, upstreamUrl, timeoutSeconds, status, metadata, null);
    }

    /** price_per_request, or its old name price_per_request_minor; null when neither is given. */
    Long price() {
        if (pricePerRequest != null && pricePerRequestMinor != null && !pricePerRequest.equals(pricePerRequestMinor)) {
            throw ApiException.invalidField("price_per_request", "differs from price_per_request_minor (its old name); send one of them");
        }
        return pricePerRequest != null ? pricePerRequest : pricePerRequestMinor;
    }
}
