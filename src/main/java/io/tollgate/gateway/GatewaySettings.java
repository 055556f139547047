package io.tollgate.gateway;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * A gateway feature's settings as the admin API shows them. Credentials are never shown: only the names of
 * the upstream headers that carry them.
 */
@Schema(name = "GatewaySettings")
public record GatewaySettings(
        @Schema(example = "fea_01jf3k9w6h2xv8n4q5r7s9t1u3") String featureId,
        String appId,
        @Schema(description = "success: charged when the upstream answers 2xx; any_response: whenever it answers") ChargeOn chargeOn,
        @Schema(description = "per_request: the feature's price per call; units: units the upstream reports × credit_cost") PricingMode pricingMode,
        @Schema(description = "Response header carrying the units (pricing_mode units)", example = "X-Tollgate-Units") String unitsHeader,
        @Schema(description = "JSON pointer to the units in the response body, or in the last event of a stream that carries it",
                example = "/usage/total_tokens") String unitsJsonPointer,
        @Schema(description = "Units reserved before forwarding; a report above it is charged up to it", example = "4000") Long maxUnits,
        @Schema(example = "5000") int connectTimeoutMillis,
        @Schema(example = "30000") int firstByteTimeoutMillis,
        @Schema(description = "Calls in flight to the upstream at once, per node", example = "64") int maxConnections,
        @Schema(description = "Names of the headers injected with stored credentials", example = "[\"Authorization\"]") List<String> upstreamHeaderNames,
        @Schema(description = "When the current signing secret was made") Instant signingSecretCreatedAt,
        @Schema(description = "Until when the previous signing secret still signs too (rotation overlap); null when none") Instant previousSecretExpiresAt,
        Instant createdAt,
        Instant updatedAt) {

    public enum ChargeOn { SUCCESS, ANY_RESPONSE }

    public enum PricingMode { PER_REQUEST, UNITS }
}
