package io.tollgate.identity.internal;

import io.tollgate.apps.AppSnapshot;
import io.tollgate.apps.Applications;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.identity.internal.AuthRequests.Tokens;
import io.tollgate.keys.AppCaller;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ApiException.FieldProblem;
import io.tollgate.platform.TenantScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A social sign-in in three legs. {@link #start}: the app (its key, publishable allowed) names a
 * registered redirect URI and its own PKCE challenge; Tollgate stores a state and sends the browser to
 * the provider. {@link #callback}: the provider sends the browser back; Tollgate spends the state,
 * exchanges the provider's code with its own PKCE verifier, checks who signed in, and sends the browser
 * to the app's redirect URI with a one-time code. {@link #exchange}: the app trades that code and its
 * PKCE verifier for Tollgate's tokens — tokens never travel in a URL.
 */
@Service
class OAuthFlow {
    private static final Logger log = LoggerFactory.getLogger(OAuthFlow.class);
    /** RFC 7636 §4.1: 43 to 128 unreserved characters; an S256 challenge is exactly 43. */
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    static final int MAX_APP_STATE = 512;
    private final OAuthProviderStore providers;
    private final AuthSettingsStore settings;
    private final OAuthAttempts attempts;
    private final Map<ProviderKind, SignInProvider> protocols = new EnumMap<>(ProviderKind.class);
    private final PublicUrls urls;
    private final AccountLinking linking;
    private final AuthService auth;
    private final Applications applications;
    private final TransactionTemplate tx;
    private final Duration stateTtl;
    private final Duration codeTtl;

    record Start(String redirectUri, String codeChallenge, String codeChallengeMethod, String state) {}

    OAuthFlow(OAuthProviderStore providers, AuthSettingsStore settings, OAuthAttempts attempts, List<SignInProvider> protocols,
              PublicUrls urls, AccountLinking linking, AuthService auth, Applications applications, PlatformTransactionManager transactions,
              @Value("${tollgate.identity.oauth.state-ttl-minutes}") int stateTtlMinutes,
              @Value("${tollgate.identity.oauth.code-ttl-seconds}") int codeTtlSeconds) {
        if (stateTtlMinutes < 1 || stateTtlMinutes > 60) throw new IllegalStateException("TOLLGATE_OAUTH_STATE_TTL_MINUTES must be 1 to 60");
        if (codeTtlSeconds < 10 || codeTtlSeconds > 600) throw new IllegalStateException("TOLLGATE_OAUTH_CODE_TTL_SECONDS must be 10 to 600");
        this.providers = providers;
        this.settings = settings;
        this.attempts = attempts;
        protocols.forEach(p -> this.protocols.put(p.kind(), p));
        this.urls = urls;
        this.linking = linking;
        this.auth = auth;
        this.applications = applications;
        this.tx = new TransactionTemplate(transactions);
        this.stateTtl = Duration.ofMinutes(stateTtlMinutes);
        this.codeTtl = Duration.ofSeconds(codeTtlSeconds);
    }

    /** The provider's authorization URL to send the browser to. */
    String start(AppCaller app, String provider, Start request) {
        ProviderKind kind = SignInSettingsService.kind(provider);
        List<FieldProblem> problems = new ArrayList<>();
        if (request.redirectUri() == null) problems.add(new FieldProblem("redirect_uri", "is required"));
        if (request.codeChallenge() == null || !CHALLENGE.matcher(request.codeChallenge()).matches()) {
            problems.add(new FieldProblem("code_challenge", "is required: BASE64URL(SHA-256(code_verifier)), 43 characters (RFC 7636)"));
        }
        if (!"S256".equals(request.codeChallengeMethod())) {
            problems.add(new FieldProblem("code_challenge_method", "must be S256; plain is refused"));
        }
        if (request.state() != null && (request.state().length() > MAX_APP_STATE || request.state().chars().anyMatch(c -> c < 0x20 || c > 0x7e))) {
            problems.add(new FieldProblem("state", "must be at most " + MAX_APP_STATE + " printable ASCII characters"));
        }
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        if (!RedirectUris.allowed(settings.get(app.appId()).redirectUris(), request.redirectUri())) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "REDIRECT_URI_NOT_ALLOWED", "redirect_uri is not one of the app's registered "
                    + "redirect URIs (an operator registers them in the app's auth settings)", Map.of("redirect_uri", request.redirectUri()), Map.of());
        }
        OAuthProviderStore.ProviderConfig config = enabled(app.appId(), kind).orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND,
                "PROVIDER_NOT_CONFIGURED", "This app has no " + kind.id() + " sign-in; an operator configures it"));
        String callback = urls.callback(kind);
        String state = tx.execute(s -> attempts.start(new OAuthAttempts.AppSide(app.appId(), kind, request.redirectUri(), callback,
                request.state(), request.codeChallenge()), stateTtl));
        try {
            return protocols.get(kind).authorizationUrl(config, attempt(state, callback));
        } catch (SignInProvider.Refused | SignInHttp.ProviderFailure e) {
            log.warn("{} sign-in for app {} could not start: {}", kind.id(), app.appId(), e.getMessage());
            throw new ApiException(HttpStatus.BAD_GATEWAY, "PROVIDER_ERROR", "The sign-in provider could not be reached or answered "
                    + "something unusable; try again later");
        }
    }

    private SignInProvider.Attempt attempt(String state, String callback) {
        return new SignInProvider.Attempt(state, attempts.nonceOf(state), OAuthAttempts.challengeOf(attempts.verifierOf(state)), callback);
    }

    private Optional<OAuthProviderStore.ProviderConfig> enabled(String appId, ProviderKind kind) {
        return providers.config(appId, kind).filter(OAuthProviderStore.ProviderConfig::enabled);
    }

    /**
     * Where the browser goes after the provider: the app's redirect URI with {@code code} (and the app's
     * {@code state}), or with {@code error}, {@code error_code} and {@code error_description} when the
     * sign-in failed after the state checked out. A state that does not check out has no trustworthy
     * redirect URI, so it is answered here with 400 INVALID_OAUTH_STATE.
     */
    String callback(String provider, Map<String, String> params) {
        ProviderKind kind = SignInSettingsService.kind(provider);
        String state = params.get("state");
        OAuthAttempts.Started started = tx.execute(s -> attempts.spendState(state)).orElseThrow(() -> invalidState(
                "The sign-in's state is unknown, was used already or expired (10 minutes); start the sign-in again"));
        // Spent either way: a state carried to another provider's callback is dead for both.
        if (started.kind() != kind) throw invalidState("The sign-in's state was issued for another provider");
        // The state was found as system work (nothing names the app before it); the rest acts for the app's organization,
        // as every /api/v1 call does (row-level security).
        String organizationId = applications.snapshot(started.appId()).map(AppSnapshot::organizationId)
                .orElseThrow(() -> invalidState("The sign-in's app no longer exists"));
        try (TenantScope.Binding tenant = TenantScope.bind(organizationId, started.appId())) {
            return finish(kind, state, started, params);
        }
    }

    private String finish(ProviderKind kind, String state, OAuthAttempts.Started started, Map<String, String> params) {
        if (params.get("error") != null) {
            String error = "access_denied".equals(params.get("error")) ? "access_denied" : "server_error";
            return back(started, Map.of("error", error, "error_code", "PROVIDER_DENIED",
                    "error_description", "The provider did not sign the user in (" + clip(params.get("error")) + ")"));
        }
        String code = params.get("code");
        if (code == null || code.isBlank()) {
            return back(started, Map.of("error", "invalid_request", "error_code", "PROVIDER_ERROR", "error_description", "The provider sent no code"));
        }
        Optional<OAuthProviderStore.ProviderConfig> config = enabled(started.appId(), kind);
        if (config.isEmpty()) {
            return back(started, Map.of("error", "server_error", "error_code", "PROVIDER_NOT_CONFIGURED",
                    "error_description", "The app's " + kind.id() + " sign-in was turned off"));
        }
        IdentityStore.ProviderAccount account;
        try {
            account = protocols.get(kind).finish(config.get(), code, attempts.verifierOf(state), attempt(state, started.callbackUri()));
        } catch (SignInProvider.Refused e) {
            log.info("{} sign-in for app {} refused: {} ({})", kind.id(), started.appId(), e.code, e.getMessage());
            return back(started, Map.of("error", "access_denied", "error_code", e.code, "error_description", describe(e.code)));
        } catch (SignInHttp.ProviderFailure e) {
            log.warn("{} sign-in for app {} failed: {}", kind.id(), started.appId(), e.getMessage());
            return back(started, Map.of("error", "temporarily_unavailable", "error_code", "PROVIDER_ERROR", "error_description", describe("PROVIDER_ERROR")));
        }
        String appCode = tx.execute(s -> attempts.grant(started, account, codeTtl));
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("code", appCode);
        return back(started, answer);
    }

    private static String describe(String code) {
        return switch (code) {
            case "ID_TOKEN_INVALID" -> "The provider's ID token did not check out";
            case "PROVIDER_CODE_INVALID" -> "The provider refused its own code (expired or used); sign in again";
            default -> "The sign-in provider failed; try again later";
        };
    }

    private static String back(OAuthAttempts.Started started, Map<String, String> params) {
        Map<String, String> all = new LinkedHashMap<>(params);
        if (started.appState() != null) all.put("state", started.appState());
        return started.redirectUri() + (started.redirectUri().contains("?") ? "&" : "?") + SignInHttp.encode(all);
    }

    /** The app trades its one-time code and PKCE verifier for tokens (or learns a link is needed). */
    Tokens exchange(AppCaller app, Optional<EndUserCaller> caller, AuthRequests.OAuthExchange request, String acceptLanguage) {
        List<FieldProblem> problems = new ArrayList<>();
        if (request.code() == null || request.code().isBlank()) problems.add(new FieldProblem("code", "is required"));
        if (request.codeVerifier() == null || !VERIFIER.matcher(request.codeVerifier()).matches()) {
            problems.add(new FieldProblem("code_verifier", "is required: 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636)"));
        }
        if (request.redirectUri() == null) problems.add(new FieldProblem("redirect_uri", "is required: the one the sign-in started with"));
        String locale = Credentials.locale(request.locale(), acceptLanguage, problems);
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        // A refusal still commits: the code is spent by any attempt, right or wrong, so it cannot be guessed at.
        AccountLinking.Outcome outcome = auth.merging(() -> tx.execute(s -> {
            Optional<OAuthAttempts.Grant> grant = attempts.spendGrant(app.appId(), request.code().strip());
            if (grant.isEmpty()) return refused("The code is unknown, was used already, expired or belongs to another app");
            if (!grant.get().redirectUri().equals(request.redirectUri())) return refused("redirect_uri is not the one the sign-in started with");
            if (!OAuthAttempts.challengeOf(request.codeVerifier()).equals(grant.get().codeChallenge())) {
                return refused("code_verifier does not match the sign-in's code_challenge");
            }
            return linking.resolve(app.appId(), caller, grant.get().account(), locale);
        }));
        return switch (outcome) {
            case AccountLinking.Outcome.SignedIn signedIn -> signedIn.tokens();
            case AccountLinking.Outcome.LinkRequired link -> throw linking.linkRequiredError(link);
            case AccountLinking.Outcome.Refused refusal -> throw refusal.error();
        };
    }

    private static AccountLinking.Outcome refused(String message) {
        return new AccountLinking.Outcome.Refused(new ApiException(HttpStatus.BAD_REQUEST, "INVALID_OAUTH_CODE", message));
    }

    private static ApiException invalidState(String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "INVALID_OAUTH_STATE", message);
    }

    private static String clip(String value) {
        String v = value.replaceAll("[^A-Za-z0-9_.-]", "");
        return v.length() > 64 ? v.substring(0, 64) : v;
    }
}
