package io.tollgate.gateway;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * PUT of a gateway feature's settings: fields left out keep their value. Giving units_header clears
 * units_json_pointer and the other way round. upstream_headers replaces the stored credentials ({} removes
 * them); it is stored sealed and never shown again.
 */
@Schema(name = "GatewaySettingsRequest")
public record GatewaySettingsRequest(
        GatewaySettings.ChargeOn chargeOn,
        GatewaySettings.PricingMode pricingMode,
        @Pattern(regexp = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}", message = "must be an HTTP header name") @Schema(example = "X-Tollgate-Units")
        String unitsHeader,
        @Size(max = 500) @Pattern(regexp = "(/[^/]*)+", message = "must be a JSON pointer such as /usage/total_tokens")
        @Schema(example = "/usage/total_tokens") String unitsJsonPointer,
        @Min(1) @Max(1_000_000_000) @Schema(example = "4000") Long maxUnits,
        @Min(100) @Max(60_000) Integer connectTimeoutMillis,
        @Min(100) @Max(3_600_000) Integer firstByteTimeoutMillis,
        @Min(1) @Max(10_000) Integer maxConnections,
        @Schema(description = "Headers sent to the upstream with every call, e.g. {\"Authorization\": \"Bearer sk-…\"}; write-only",
                example = "{\"Authorization\": \"Bearer sk-upstream-secret\"}") Map<String, String> upstreamHeaders) {}
