package io.tollgate.identity.internal;

import io.tollgate.apps.Applications;
import io.tollgate.audit.AuditTrail;
import io.tollgate.identity.AuthSettings;
import io.tollgate.identity.OAuthProvider;
import io.tollgate.identity.SignInSettings.AuthSettingsChange;
import io.tollgate.identity.SignInSettings.ProviderChange;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ApiException.FieldProblem;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Validation, audit and storage behind {@link io.tollgate.identity.SignInSettings}. */
@Service
public class SignInSettingsService {
    static final int MAX_CLIENT_ID = 255;
    static final int MAX_CLIENT_SECRET = 1_024;
    private final AuthSettingsStore settings;
    private final OAuthProviderStore providers;
    private final Applications applications;
    private final PublicUrls urls;
    private final AuditTrail audit;

    SignInSettingsService(AuthSettingsStore settings, OAuthProviderStore providers, Applications applications, PublicUrls urls,
                          AuditTrail audit) {
        this.settings = settings;
        this.providers = providers;
        this.applications = applications;
        this.urls = urls;
        this.audit = audit;
    }

    public AuthSettings settings(String appId) {
        applications.get(appId);
        return settings.get(appId);
    }

    @Transactional
    public AuthSettings updateSettings(String appId, AuthSettingsChange change) {
        AuthSettings before = settings(appId);
        List<FieldProblem> problems = new ArrayList<>();
        List<String> uris = change.redirectUris() == null ? List.of() : change.redirectUris();
        if (uris.size() > RedirectUris.MAX_PER_APP) {
            problems.add(new FieldProblem("redirect_uris", "may hold at most " + RedirectUris.MAX_PER_APP + " URIs"));
        }
        for (int i = 0; i < uris.size(); i++) {
            int index = i;
            RedirectUris.problem(uris.get(i)).ifPresent(p -> problems.add(new FieldProblem("redirect_uris[" + index + "]", p)));
        }
        String verify = linkBase("email_verification_url", change.emailVerificationUrl(), problems);
        String reset = linkBase("password_reset_url", change.passwordResetUrl(), problems);
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        AuthSettings after = new AuthSettings(appId, List.copyOf(new LinkedHashSet<>(uris)), verify, reset);
        settings.put(after);
        audit.record("app.auth_settings_updated", "application", appId, before, after);
        return after;
    }

    /** A mailed link's base follows the redirect URI rules (https, loopback http, reverse-domain scheme). */
    private static String linkBase(String field, String value, List<FieldProblem> problems) {
        if (value == null || value.isBlank()) return null;
        String trimmed = value.strip();
        RedirectUris.problem(trimmed).ifPresent(p -> problems.add(new FieldProblem(field, p)));
        return trimmed;
    }

    public List<OAuthProvider> providers(String appId) {
        applications.get(appId);
        return providers.list(appId).stream().map(this::withCallback).toList();
    }

    @Transactional
    public OAuthProvider putProvider(String appId, String provider, ProviderChange change) {
        applications.get(appId);
        ProviderKind kind = kind(provider);
        Optional<OAuthProvider> before = providers.find(appId, kind);
        List<FieldProblem> problems = new ArrayList<>();
        String clientId = change.clientId() == null ? null : change.clientId().strip();
        if (clientId == null || clientId.isEmpty() || clientId.length() > MAX_CLIENT_ID || hasControl(clientId)) {
            problems.add(new FieldProblem("client_id", "is required: 1 to " + MAX_CLIENT_ID + " characters"));
        }
        String secret = change.clientSecret();
        if (secret == null && before.isEmpty()) {
            problems.add(new FieldProblem("client_secret", "is required when the provider is first configured"));
        } else if (secret != null && (secret.isBlank() || secret.length() > MAX_CLIENT_SECRET || hasControl(secret))) {
            problems.add(new FieldProblem("client_secret", "must be 1 to " + MAX_CLIENT_SECRET + " characters"));
        }
        String issuer = endpoint("issuer", change.issuer(), kind == ProviderKind.GOOGLE, kind.defaultIssuer, problems);
        String baseUrl = endpoint("base_url", change.baseUrl(), kind == ProviderKind.GITHUB, kind.defaultBaseUrl, problems);
        String apiUrl = endpoint("api_url", change.apiUrl(), kind == ProviderKind.GITHUB, kind.defaultApiUrl, problems);
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        providers.put(appId, kind, new OAuthProviderStore.Change(clientId, secret, issuer, baseUrl, apiUrl,
                change.enabled() == null || change.enabled()));
        OAuthProvider after = withCallback(providers.find(appId, kind).orElseThrow());
        audit.record(before.isPresent() ? "app.oauth_provider_updated" : "app.oauth_provider_added", "application", appId,
                before.orElse(null), after);
        return after;
    }

    @Transactional
    public void deleteProvider(String appId, String provider) {
        applications.get(appId);
        ProviderKind kind = kind(provider);
        OAuthProvider before = providers.find(appId, kind).orElseThrow(() -> ApiException.notFound("oauth_provider", provider));
        providers.delete(appId, kind);
        audit.record("app.oauth_provider_removed", "application", appId, before, null);
    }

    static ProviderKind kind(String provider) {
        return ProviderKind.of(provider).orElseThrow(() -> new ApiException(org.springframework.http.HttpStatus.NOT_FOUND,
                "UNKNOWN_PROVIDER", "No sign-in provider " + provider + "; Tollgate speaks google and github"));
    }

    /**
     * An https address without query or fragment (http only on a loopback address, for local test
     * providers); a field that does not belong to this provider must be absent.
     */
    private static String endpoint(String field, String value, boolean applies, String defaultValue, List<FieldProblem> problems) {
        if (!applies) {
            if (value != null) problems.add(new FieldProblem(field, "does not apply to this provider"));
            return null;
        }
        if (value == null || value.isBlank()) return defaultValue;
        String trimmed = value.strip().replaceAll("/+$", "");
        try {
            URI uri = new URI(trimmed);
            boolean https = "https".equals(uri.getScheme()) && uri.getHost() != null;
            boolean loopbackHttp = "http".equals(uri.getScheme()) && uri.getHost() != null
                    && (uri.getHost().equals("127.0.0.1") || uri.getHost().equals("[::1]") || uri.getHost().equals("localhost"));
            if ((!https && !loopbackHttp) || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null
                    || trimmed.length() > 512) {
                problems.add(new FieldProblem(field, "must be an https address without query or fragment (http only for loopback)"));
            }
        } catch (java.net.URISyntaxException e) {
            problems.add(new FieldProblem(field, "is not a valid URL"));
        }
        return trimmed;
    }

    private static boolean hasControl(String value) {
        return value.chars().anyMatch(Character::isISOControl);
    }

    private OAuthProvider withCallback(OAuthProvider p) {
        return new OAuthProvider(p.id(), p.appId(), p.provider(), p.clientId(), p.clientSecretSet(), p.issuer(), p.baseUrl(), p.apiUrl(),
                p.enabled(), urls.callback(ProviderKind.of(p.provider()).orElseThrow()), p.createdAt(), p.updatedAt());
    }
}
