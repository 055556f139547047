package io.tollgate.keys;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Body of POST (all optional: a secret live key with default scopes and 1000 requests/hour); PUT's
 * body is {@link ApiKeyUpdate}. In code, also the changes of an update: null fields keep their value.
 */
@Schema(name = "ApiKeyRequest")
public record ApiKeyRequest(
        @Size(max = 255) @Schema(example = "Production server") String name,
        KeyType keyType,
        KeyEnvironment environment,
        @Size(max = 32) @Schema(description = "Scopes (README \"API keys\"); seed 000's read:content, write:content and payment:process are "
                + "accepted as the scopes they mean and answered as those", example = "[\"content:read\", \"media:generate\", \"credits:read\"]")
        List<String> scopes,
        @Min(1) @Max(10_000_000) @Schema(description = "Requests per hour", example = "1000") Integer rateLimit,
        Instant expiresAt,
        Map<String, Object> metadata) {}
