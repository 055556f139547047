package io.tollgate.gateway;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A new signing secret of a gateway feature: shown in this answer only. */
@Schema(name = "CreatedSigningSecret")
public record CreatedSigningSecret(
        String featureId,
        @Schema(description = "The HMAC-SHA256 key, as text: shown once", example = "tgs_3Jk9…") String signingSecret,
        Instant createdAt,
        @Schema(description = "Until when the replaced secret still signs too; null when it stopped at once") Instant previousSecretExpiresAt) {}
