package io.tollgate.identity.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.identity.AuthSettings;
import io.tollgate.identity.OAuthProvider;
import io.tollgate.identity.SignInSettings;
import io.tollgate.platform.Envelope;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operators configure how an app's end users sign in: providers, redirect URIs, mailed links. */
@RestController
@RequestMapping("/api/external-apps/{appId}")
@Tag(name = "Admin: end-user sign-in")
class SignInAdminController {
    private final SignInSettings settings;

    SignInAdminController(SignInSettings settings) {
        this.settings = settings;
    }

    @GetMapping("/auth-settings")
    @Operation(summary = "Get an app's sign-in settings", description = "Redirect URIs social sign-ins may return to, and the pages "
            + "verification and reset mails link to")
    Envelope<AuthSettings> get(@PathVariable String appId) {
        return Envelope.ok(settings.settings(appId));
    }

    @PutMapping("/auth-settings")
    @Operation(summary = "Set an app's sign-in settings", description = "Redirect URIs: https, a reverse-domain custom scheme "
            + "(com.acme.app:/cb) or a loopback http://127.0.0.1/… or http://[::1]/… that matches any port (RFC 8252); at most 20. "
            + "The two mail link pages follow the same rules.")
    Envelope<AuthSettings> put(@PathVariable String appId, @RequestBody SignInSettings.AuthSettingsChange change) {
        return Envelope.ok(settings.updateSettings(appId, change));
    }

    @GetMapping("/oauth-providers")
    @Operation(summary = "List an app's sign-in providers", description = "Client secrets are never shown")
    Envelope<List<OAuthProvider>> list(@PathVariable String appId) {
        return Envelope.ok(settings.providers(appId));
    }

    @PutMapping("/oauth-providers/{provider}")
    @Operation(summary = "Configure a sign-in provider", description = "provider: google (OpenID Connect, discovery from the issuer) "
            + "or github. Creates or replaces; client_secret is required the first time and kept when absent later. Register "
            + "callback_url (in the answer) as the redirect URI of the OAuth client at the provider.")
    Envelope<OAuthProvider> put(@PathVariable String appId, @PathVariable String provider,
                                @RequestBody SignInSettings.ProviderChange change) {
        return Envelope.ok(settings.putProvider(appId, provider, change));
    }

    @DeleteMapping("/oauth-providers/{provider}")
    @Operation(summary = "Remove a sign-in provider", description = "Sign-ins with it stop; identities already linked stay, so "
            + "configuring it again lets them sign in again")
    Envelope<Map<String, Object>> delete(@PathVariable String appId, @PathVariable String provider) {
        settings.deleteProvider(appId, provider);
        return Envelope.ok(Map.of("deleted", true, "provider", provider));
    }
}
