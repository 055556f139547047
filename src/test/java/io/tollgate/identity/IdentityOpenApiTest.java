package io.tollgate.identity;

import io.tollgate.Api;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class IdentityOpenApiTest extends IdentityTest {

    @Test
    void endUserEndpointsAreDocumentedWithTheirHeadersAndExamples() {
        JsonNode api = anonymous.get("/v3/api-docs", Api.SLOW).json();
        JsonNode paths = api.get("paths");
        for (String path : List.of("register", "login", "anonymous", "me", "refresh", "logout", "link")) {
            assertThat(paths.has("/api/v1/auth/" + path)).as(path).isTrue();
        }
        assertThat(paths.has("/api/external-apps/{appId}/users/{userId}")).isTrue();
        JsonNode me = paths.get("/api/v1/auth/me").get("get");
        assertThat(me.get("tags").get(0).asString()).isEqualTo("App API: end users");
        List<String> parameters = me.get("parameters").valueStream().map(p -> p.get("in").asString() + ":" + p.get("name").asString()).toList();
        // The caller objects are resolved from headers, never bound from the query string.
        assertThat(parameters).containsExactlyInAnyOrder("header:X-User-Token", "header:X-External-User-Id");
        JsonNode login = paths.get("/api/v1/auth/login").get("post");
        assertThat(login.get("parameters").toString()).contains("X-User-Token").doesNotContain("EndUserCaller");
        JsonNode register = api.get("components").get("schemas").get("RegisterRequest");
        assertThat(register.get("properties").get("email").get("example").asString()).isEqualTo("amina@example.com");
        assertThat(register.get("properties").has("user_data")).isTrue();
        assertThat(api.get("components").get("schemas").get("EndUser").get("properties").has("password_hash")).isFalse();
    }

    @Test
    void socialSignInEmailAndMailEndpointsAreDocumented() {
        JsonNode api = anonymous.get("/v3/api-docs", Api.SLOW).json();
        JsonNode paths = api.get("paths");
        for (String path : List.of("/api/v1/auth/oauth/{provider}/start", "/api/v1/auth/oauth/{provider}/callback", "/api/v1/auth/oauth/exchange",
                "/api/v1/auth/identities", "/api/v1/auth/identities/link", "/api/v1/auth/identities/{id}", "/api/v1/auth/email/verify/request",
                "/api/v1/auth/email/verify", "/api/v1/auth/password/forgot", "/api/v1/auth/password/reset",
                "/api/external-apps/{appId}/auth-settings", "/api/external-apps/{appId}/oauth-providers",
                "/api/external-apps/{appId}/oauth-providers/{provider}", "/api/external-apps/{appId}/mail-settings", "/api/admin/mail",
                "/api/admin/mail/outbox", "/api/admin/mail/outbox/{id}/retry")) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
        List<String> start = paths.get("/api/v1/auth/oauth/{provider}/start").get("get").get("parameters").valueStream()
                .map(p -> p.get("name").asString()).toList();
        assertThat(start).contains("redirect_uri", "code_challenge", "code_challenge_method", "state").doesNotContain("app");
        JsonNode provider = api.get("components").get("schemas").get("OAuthProvider").get("properties");
        assertThat(provider.has("client_secret")).isFalse();
        assertThat(provider.has("client_secret_set")).isTrue();
        assertThat(api.get("components").get("schemas").get("MailMessage").get("properties").has("model_sealed")).isFalse();
    }
}
