package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** What may be shown of a stored credential: never the value. */
@Schema(name = "IntegrationCredential")
public record CredentialView(
        @Schema(example = "crd_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        String connectionId,
        CredentialType credentialType,
        @Schema(example = "secret_key") String credentialKey,
        @Schema(description = "Last four characters, for values of 12 characters or more") String lastFour,
        String encryptionMethod,
        Instant expiresAt,
        Instant lastRotated,
        String rotationPolicy,
        @Schema(description = "When the rotation policy wants a new value (null for manual)") Instant rotationDueAt,
        boolean rotationDue,
        boolean isActive,
        Instant createdAt,
        Instant updatedAt) {}
