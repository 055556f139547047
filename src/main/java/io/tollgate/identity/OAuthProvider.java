package io.tollgate.identity;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** An app's OAuth client at a provider, as operators see it: the client secret is never shown again. */
@Schema(name = "OAuthProvider")
public record OAuthProvider(
        @Schema(example = "oap_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        String appId,
        @Schema(example = "google", description = "google (OpenID Connect) or github (OAuth 2.0)") String provider,
        @Schema(example = "1234567890-abc.apps.googleusercontent.com") String clientId,
        @Schema(description = "Always true: a secret is required and kept sealed") boolean clientSecretSet,
        @Schema(example = "https://accounts.google.com", description = "google: the OpenID issuer; discovery is read from it") String issuer,
        @Schema(example = "https://github.com", description = "github: the web address (authorize, access_token)") String baseUrl,
        @Schema(example = "https://api.github.com", description = "github: the REST API address (user, user/emails)") String apiUrl,
        boolean enabled,
        @Schema(example = "https://tollgate.example/api/v1/auth/oauth/google/callback",
                description = "Register this as the redirect URI of the OAuth client at the provider")
        String callbackUrl,
        Instant createdAt, Instant updatedAt) {}
