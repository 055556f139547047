package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Operators configure sign-in per app: providers with sealed secrets never shown again, redirect URIs checked. */
class SignInSettingsTest extends SignInTest {

    @Test
    void aClientSecretIsSealedAndNeverShownAgain() {
        String appId = createApp();
        String secret = "GOCSPX-very-secret-" + System.nanoTime();
        JsonNode google = ok(admin.put("/api/external-apps/" + appId + "/oauth-providers/google",
                Map.of("client_id", "cid.apps.example", "client_secret", secret)));
        assertThat(google.get("issuer").asString()).isEqualTo("https://accounts.google.com");
        assertThat(google.get("client_secret_set").asBoolean()).isTrue();
        assertThat(google.get("callback_url").asString()).endsWith("/api/v1/auth/oauth/google/callback");
        assertThat(google.toString()).doesNotContain(secret);
        String listed = admin.get("/api/external-apps/" + appId + "/oauth-providers").text();
        assertThat(listed).doesNotContain(secret).contains("cid.apps.example");
        String sealed = jdbc.sql("SELECT client_secret_sealed FROM oauth_providers WHERE app_id = ?").param(appId).query(String.class).single();
        assertThat(sealed).startsWith("tgenc:v1:").doesNotContain(secret);
        assertThat(admin.get("/api/admin/audit-log?per_page=100").text()).contains("app.oauth_provider_added").doesNotContain(secret);

        // Changing the client id keeps the secret; a new secret replaces it.
        ok(admin.put("/api/external-apps/" + appId + "/oauth-providers/google", Map.of("client_id", "cid2.apps.example")));
        assertThat(jdbc.sql("SELECT client_secret_sealed FROM oauth_providers WHERE app_id = ?").param(appId).query(String.class).single())
                .isEqualTo(sealed);
        ok(admin.put("/api/external-apps/" + appId + "/oauth-providers/google", Map.of("client_id", "cid2.apps.example", "client_secret", "new")));
        assertThat(jdbc.sql("SELECT client_secret_sealed FROM oauth_providers WHERE app_id = ?").param(appId).query(String.class).single())
                .isNotEqualTo(sealed);
        ok(admin.delete("/api/external-apps/" + appId + "/oauth-providers/google"));
        assertThat(ok(admin.get("/api/external-apps/" + appId + "/oauth-providers")).size()).isZero();
        assertError(admin.delete("/api/external-apps/" + appId + "/oauth-providers/google"), 404, "NOT_FOUND");
    }

    @Test
    void providerSettingsAreChecked() {
        String appId = createApp();
        String base = "/api/external-apps/" + appId + "/oauth-providers/";
        assertThat(IdentityTest.invalidFields(admin.put(base + "google", Map.of("client_id", "x")))).containsExactly("client_secret");
        assertThat(IdentityTest.invalidFields(admin.put(base + "google", Map.of("client_id", "x", "client_secret", "y",
                "issuer", "http://accounts.example", "base_url", "https://github.com")))).containsExactly("issuer", "base_url");
        assertThat(IdentityTest.invalidFields(admin.put(base + "github", Map.of("client_secret", "y", "issuer", "https://accounts.google.com",
                "api_url", "https://api.example/?q=1")))).containsExactly("client_id", "issuer", "api_url");
        assertError(admin.put(base + "facebook", Map.of("client_id", "x", "client_secret", "y")), 404, "UNKNOWN_PROVIDER");
        assertError(admin.get("/api/external-apps/app_nope/oauth-providers"), 404, "NOT_FOUND");
    }

    @Test
    void redirectUrisFollowRfc8252() {
        String appId = createApp();
        String path = "/api/external-apps/" + appId + "/auth-settings";
        JsonNode saved = ok(admin.put(path, Map.of("redirect_uris", List.of("https://app.example/cb", "com.example.app:/oauth",
                "http://127.0.0.1/cb", "http://[::1]:8000/cb", "https://app.example/cb"), "password_reset_url", "https://app.example/reset")));
        assertThat(saved.get("redirect_uris")).hasSize(4);
        assertThat(saved.get("email_verification_url").isNull()).isTrue();
        Api.Res refused = admin.put(path, Map.of("redirect_uris", List.of("http://localhost:3000/cb", "http://app.example/cb", "javascript:alert(1)",
                "myapp:/cb", "https://app.example/cb#frag", "/relative", "https://user:pw@app.example/cb"), "email_verification_url", "ftp://x.example/v"));
        assertThat(IdentityTest.invalidFields(refused)).containsExactly("redirect_uris[0]", "redirect_uris[1]", "redirect_uris[2]",
                "redirect_uris[3]", "redirect_uris[4]", "redirect_uris[5]", "redirect_uris[6]", "email_verification_url");
        // Nothing of a refused change was kept.
        assertThat(ok(admin.get(path)).get("redirect_uris")).hasSize(4);
        Api viewer = anonymous.bearer("nope");
        assertThat(viewer.get(path).status()).isEqualTo(401);
    }
}
