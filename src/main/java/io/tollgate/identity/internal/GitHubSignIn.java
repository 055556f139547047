package io.tollgate.identity.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * GitHub: OAuth 2.0 with PKCE S256 (GitHub has no OpenID Connect for users), then the REST API —
 * {@code /user} for the stable numeric id (the subject; logins can be renamed) and {@code /user/emails}
 * for the addresses GitHub has verified. Only the primary address counts, and only when verified; an
 * unverified one is kept as unverified. Scopes: {@code read:user user:email}.
 */
@Component
class GitHubSignIn implements SignInProvider {
    static final String SCOPE = "read:user user:email";
    static final String API_VERSION = "2022-11-28";
    private final SignInHttp http;

    GitHubSignIn(SignInHttp http) {
        this.http = http;
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.GITHUB;
    }

    @Override
    public String authorizationUrl(OAuthProviderStore.ProviderConfig config, Attempt attempt) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", config.clientId());
        query.put("redirect_uri", attempt.callbackUri());
        query.put("scope", SCOPE);
        query.put("state", attempt.state());
        query.put("code_challenge", attempt.codeChallenge());
        query.put("code_challenge_method", "S256");
        return config.baseUrl() + "/login/oauth/authorize?" + SignInHttp.encode(query);
    }

    @Override
    public IdentityStore.ProviderAccount finish(OAuthProviderStore.ProviderConfig config, String code, String codeVerifier, Attempt attempt) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", config.clientId());
        form.put("client_secret", config.clientSecret());
        form.put("code", code);
        form.put("redirect_uri", attempt.callbackUri());
        form.put("code_verifier", codeVerifier);
        SignInHttp.Answer token = http.postForm(config.baseUrl() + "/login/oauth/access_token", form, Map.of());
        // GitHub answers a refused code with 200 and an error field.
        String error = token.json().path("error").asString("");
        if ("bad_verification_code".equals(error)) throw new Refused("PROVIDER_CODE_INVALID", "GitHub refused the code (expired or used)");
        String accessToken = token.json().path("access_token").asString(null);
        if (!token.ok() || accessToken == null) throw new Refused("PROVIDER_ERROR", "GitHub's token endpoint answered " + token.status() + " " + error);
        Map<String, String> auth = Map.of("Authorization", "Bearer " + accessToken, "Accept", "application/vnd.github+json",
                "X-GitHub-Api-Version", API_VERSION);
        SignInHttp.Answer user = http.get(config.apiUrl() + "/user", auth);
        JsonNode id = user.json().path("id");
        if (!user.ok() || !id.isIntegralNumber()) throw new Refused("PROVIDER_ERROR", "GitHub's /user answered " + user.status());
        SignInHttp.Answer emails = http.get(config.apiUrl() + "/user/emails", auth);
        if (!emails.ok() || !emails.json().isArray()) throw new Refused("PROVIDER_ERROR", "GitHub's /user/emails answered " + emails.status());
        String email = null;
        boolean verified = false;
        for (JsonNode e : emails.json()) {
            if (e.path("primary").asBoolean(false)) {
                email = e.path("email").asString(null);
                verified = email != null && e.path("verified").asBoolean(false);
            }
        }
        return new IdentityStore.ProviderAccount(ProviderKind.GITHUB, id.asString(), email, verified);
    }
}
