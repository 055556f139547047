package io.tollgate.keys;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Body of PUT: absent fields keep their value; "expires_at": null makes the key never expire (an
 * Optional component is null when absent and empty when the JSON says null). Type and environment
 * are fixed at creation.
 */
@Schema(name = "ApiKeyUpdate", description = "Absent fields keep their value; expires_at null removes the expiry")
public record ApiKeyUpdate(
        @Size(max = 255) @Schema(example = "Production server") String name,
        KeyType keyType,
        KeyEnvironment environment,
        @Size(max = 32) @Schema(description = "Scopes (README \"API keys\"); seed 000's read:content, write:content and payment:process are "
                + "accepted as the scopes they mean and answered as those", example = "[\"content:read\", \"media:generate\", \"credits:read\"]")
        List<String> scopes,
        @Min(1) @Max(10_000_000) @Schema(description = "Requests per hour", example = "1000") Integer rateLimit,
        @Schema(types = {"string", "null"}, format = "date-time", example = "2027-01-01T00:00:00Z") Optional<Instant> expiresAt,
        Map<String, Object> metadata) {

    ApiKeyRequest changes() {
        return new ApiKeyRequest(name, keyType, environment, scopes, rateLimit, expiresAt == null ? null : expiresAt.orElse(null), metadata);
    }

    boolean clearsExpiry() {
        return expiresAt != null && expiresAt.isEmpty();
    }
}
