package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class IdentityOpenApiTest extends IdentityTest {

    @Test
    void endUserEndpointsAreDocumentedWithTheirHeadersAndExamples() {
        JsonNode api = anonymous.get("/v3/api-docs").json();
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
}
