package io.tollgate.identity;

import io.swagger.v3.oas.annotations.media.Schema;
import io.tollgate.identity.internal.SignInSettingsService;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * The identity module's public face for operators (admin API and console): an app's sign-in
 * providers, the redirect URIs its sign-ins may return to, and where mailed links point.
 */
@Service
public class SignInSettings {
    private final SignInSettingsService service;

    SignInSettings(SignInSettingsService service) {
        this.service = service;
    }

    @Schema(name = "AuthSettingsRequest", description = "Replaces all three; absent or null empties them")
    public record AuthSettingsChange(List<String> redirectUris, String emailVerificationUrl, String passwordResetUrl) {}

    @Schema(name = "OAuthProviderRequest")
    public record ProviderChange(
            @Schema(example = "1234567890-abc.apps.googleusercontent.com", maxLength = 255) String clientId,
            @Schema(example = "GOCSPX-…", description = "Required when the provider is first set; absent keeps the stored one. "
                    + "Stored sealed, never shown again") String clientSecret,
            @Schema(example = "https://accounts.google.com", description = "google only; default https://accounts.google.com") String issuer,
            @Schema(example = "https://github.com", description = "github only (GitHub Enterprise); default https://github.com") String baseUrl,
            @Schema(example = "https://api.github.com", description = "github only; default https://api.github.com") String apiUrl,
            @Schema(description = "Default true") Boolean enabled) {}

    public AuthSettings settings(String appId) {
        return service.settings(appId);
    }

    public AuthSettings updateSettings(String appId, AuthSettingsChange change) {
        return service.updateSettings(appId, change);
    }

    public List<OAuthProvider> providers(String appId) {
        return service.providers(appId);
    }

    public OAuthProvider putProvider(String appId, String provider, ProviderChange change) {
        return service.putProvider(appId, provider, change);
    }

    public void deleteProvider(String appId, String provider) {
        service.deleteProvider(appId, provider);
    }

    /** The providers Tollgate can sign users in with. */
    public static List<String> supportedProviders() {
        return List.of("google", "github");
    }
}
