package io.tollgate.identity;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A provider account an end user can sign in with. */
@Schema(name = "UserIdentity")
public record UserIdentity(
        @Schema(example = "idn_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        @Schema(example = "google") String provider,
        @Schema(example = "110248495921238986420", description = "The provider's stable id of the account") String subject,
        @Schema(example = "amina@gmail.com", description = "The address the provider gave at the last sign-in") String email,
        @Schema(description = "Whether the provider vouched for that address") boolean emailVerified,
        Instant createdAt, Instant lastUsedAt) {}
