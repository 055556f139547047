package io.tollgate.keys;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An API key as lists show it: never the key itself, only its prefix and last four characters. */
@Schema(name = "ApiKey")
public record ApiKey(
        @Schema(example = "key_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        @Schema(example = "app_01jf3k9w6h2xv8n4q5r7s9t1u3") String appId,
        @Schema(example = "Production server") String name,
        KeyType keyType,
        KeyEnvironment environment,
        @Schema(description = "The visible start of the key (type, environment, four characters)", example = "tg_sk_live_8fQz") String prefix,
        @Schema(example = "x2Kd") String keyLast4,
        @Schema(example = "tg_sk_live_8fQz…x2Kd") String redactedKey,
        List<String> scopes,
        @Schema(description = "Requests per hour", example = "1000") int rateLimit,
        Instant expiresAt,
        Instant lastUsedAt,
        KeyStatus status,
        Instant revokedAt,
        @Schema(description = "The key that replaced this one by rotation") String replacedBy,
        Map<String, Object> metadata,
        Instant createdAt,
        Instant updatedAt) {}
