package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** GitHub sign-in against a GitHub-shaped stub: the stable numeric id, verified primary addresses only, PKCE, refused codes. */
class GitHubSignInTest extends SignInTest {

    private static long id() {
        return Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L) + 1;
    }

    @Test
    void theNumericIdIsTheSubjectAndTheVerifiedPrimaryAddressTheEmail() {
        Api app = appClient(appWithSignIn());
        long id = id();
        String email = email();
        GITHUB.nextUser(new GitHubStub.User(id, "octo", List.of(
                Map.of("email", "old@example.com", "primary", false, "verified", true, "visibility", "private"),
                Map.of("email", email, "primary", true, "verified", true, "visibility", "public"))));
        Pkce pkce = pkce();
        URI toGitHub = start(app, "github", WEB, pkce, null);
        assertThat(toGitHub.toString()).startsWith(GITHUB.baseUrl() + "/login/oauth/authorize?");
        assertThat(parameter(toGitHub, "scope")).isEqualTo("read:user user:email");
        assertThat(parameter(toGitHub, "code_challenge_method")).isEqualTo("S256");
        URI back = URI.create(callback(follow(toGitHub)).header("Location"));
        JsonNode tokens = ok(exchange(app, parameter(back, "code"), pkce, WEB));
        assertThat(tokens.get("user").get("email").asString()).isEqualTo(email);
        assertThat(tokens.get("user").get("email_verified").asBoolean()).isTrue();
        JsonNode identity = ok(as(app, tokens).get("/api/v1/auth/identities")).get(0);
        assertThat(identity.get("provider").asString()).isEqualTo("github");
        assertThat(identity.get("subject").asString()).isEqualTo(String.valueOf(id));

        // A renamed login or a changed address is still the same GitHub account.
        GITHUB.nextUser(GitHubStub.user(id, email(), true));
        assertThat(signInWith(app, "github").get("user").get("id").asString()).isEqualTo(tokens.get("user").get("id").asString());
    }

    @Test
    void anUnverifiedPrimaryAddressIsNotTheAccountsAddress() {
        Api app = appClient(appWithSignIn());
        GITHUB.nextUser(GitHubStub.user(id(), email(), false));
        JsonNode tokens = signInWith(app, "github");
        assertThat(tokens.get("user").get("email").isNull()).isTrue();
        GITHUB.nextUser(GitHubStub.user(id(), null, false));
        assertThat(signInWith(app, "github").get("user").get("email").isNull()).isTrue();
    }

    @Test
    void aCodeGitHubRefusesEndsTheSignInAtTheApp() {
        Api app = appClient(appWithSignIn());
        GITHUB.nextUser(GitHubStub.user(id(), email(), true));
        URI callback = follow(start(app, "github", WEB, pkce(), "s"));
        URI forged = URI.create(callback.toString().replaceAll("code=[^&]*", "code=not-a-github-code"));
        URI back = URI.create(callback(forged).header("Location"));
        assertThat(parameter(back, "error_code")).isEqualTo("PROVIDER_CODE_INVALID");
        assertThat(parameter(back, "state")).isEqualTo("s");
    }

    @Test
    void aWrongClientSecretIsAProviderError() {
        String appId = appWithSignIn();
        ok(admin.put("/api/external-apps/" + appId + "/oauth-providers/github", Map.of("client_id", GitHubStub.CLIENT_ID,
                "client_secret", "rotated-at-github-but-not-here", "base_url", GITHUB.baseUrl(), "api_url", GITHUB.apiUrl())));
        GITHUB.nextUser(GitHubStub.user(id(), email(), true));
        URI back = signIn(appClient(appId), "github", WEB, pkce());
        assertThat(parameter(back, "error_code")).isEqualTo("PROVIDER_ERROR");
    }

    @Test
    void gitHubsAddressListFailingEndsTheSignInWithAClearErrorAndCreatesNoAccount() {
        String appId = appWithSignIn();
        long id = id();
        GITHUB.nextUser(new GitHubStub.User(id, "octo", null));
        URI back = signIn(appClient(appId), "github", WEB, pkce());
        assertThat(back.toString()).startsWith(WEB + "?");
        assertThat(parameter(back, "error")).isEqualTo("access_denied");
        assertThat(parameter(back, "error_code")).isEqualTo("PROVIDER_ERROR");
        assertThat(parameter(back, "error_description")).isNotBlank();
        assertThat(parameter(back, "state")).isEqualTo("app-state-1");
        assertThat(back.getRawQuery()).doesNotContainPattern("(^|&)code=");
        assertThat(jdbc.sql("SELECT count(*) FROM end_users WHERE app_id = ?").param(appId).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM user_identities WHERE subject = ?").param(String.valueOf(id)).query(Long.class).single()).isZero();
    }
}
