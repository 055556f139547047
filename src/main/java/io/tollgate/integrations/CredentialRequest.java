package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** A credential value to store (sealed at once; never shown again), or only its policy when value is absent. */
@Schema(name = "IntegrationCredentialRequest")
public record CredentialRequest(
        @Size(min = 1, max = 8192) @Schema(description = "The secret; write-only", example = "sk_live_…") String value,
        CredentialType credentialType,
        Instant expiresAt,
        @Pattern(regexp = "manual|30days|90days|yearly") @Schema(example = "90days") String rotationPolicy) {}
