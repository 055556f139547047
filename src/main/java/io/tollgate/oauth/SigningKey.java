package io.tollgate.oauth;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A key customer JWTs are (or were) signed with: its public half and where it is in its life. */
@Schema(name = "SigningKey")
public record SigningKey(
        @Schema(description = "The JWK kid") String id,
        @Schema(example = "RS256") String algorithm,
        @Schema(description = "active signs new tokens; retiring is still published so tokens it signed verify; retired is gone from the JWK Set")
        String status,
        Instant createdAt,
        @Schema(description = "A retiring key leaves the JWK Set after this") Instant publishUntil) {
}
