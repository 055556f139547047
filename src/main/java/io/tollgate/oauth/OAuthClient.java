package io.tollgate.oauth;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** An organization's OAuth 2.0 client (client credentials): never its secret, only the secret's prefix and last four. */
@Schema(name = "OAuthClient")
public record OAuthClient(
        @Schema(description = "Also the client_id", example = "occ_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        String organizationId,
        @Schema(description = "The organization's app its calls count as (usage, rate limits)") String appId,
        String name,
        @Schema(example = "tg_cs_live_8fQz…x2Kd") String redactedSecret,
        List<String> scopes,
        @Schema(description = "Requests per hour", example = "1000") int rateLimit,
        String status,
        Instant lastUsedAt,
        Instant createdAt,
        Instant revokedAt) {

    public boolean active() {
        return "active".equals(status);
    }
}
