package io.tollgate.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Seed 000's scope names (its api_keys.scopes example) are accepted, and stored and answered as the scopes they mean. */
class ScopeAliasesTest extends ApiTest {

    private static List<String> scopes(JsonNode key) {
        return key.get("scopes").valueStream().map(JsonNode::asString).toList();
    }

    @Test
    void seed000ScopeNamesAreAliases() {
        String appId = createApp();
        JsonNode key = createKey(appId, Map.of("scopes", List.of("read:content", "write:content", "payment:process")));
        assertThat(scopes(key)).containsExactly("content:read", "media:generate", "credits:purchase", "payments:read");
        String keyId = key.get("id").asString();
        assertThat(scopes(admin.get("/api/external-apps/" + appId + "/api-keys/" + keyId).data()))
                .containsExactly("content:read", "media:generate", "credits:purchase", "payments:read");
        assertThat(jdbc.sql("SELECT array_to_string(scopes, ',') FROM api_keys WHERE id = ?").param(keyId).query(String.class).single())
                .isEqualTo("content:read,media:generate,credits:purchase,payments:read");

        // The key works with what the aliases mean: content:read lists content.
        Api client = appClient(appId, key.get("key").asString());
        assertThat(client.get("/api/v1/content").status()).isEqualTo(200);
        assertThat(scopes(client.get("/api/v1/app").data().get("key"))).containsExactlyInAnyOrder("content:read", "media:generate",
                "credits:purchase", "payments:read");

        // An alias next to the scope it means is one scope; PUT takes aliases too.
        Api.Res updated = admin.put("/api/external-apps/" + appId + "/api-keys/" + keyId, Map.of("scopes", List.of("content:read", "read:content")));
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        assertThat(scopes(updated.data())).containsExactly("content:read");

        // Publishable keys may carry them (none means a secret-only scope); unknown names are still refused.
        JsonNode publishable = createKey(appId, Map.of("key_type", "publishable", "scopes", List.of("read:content", "payment:process")));
        assertThat(scopes(publishable)).containsExactly("content:read", "credits:purchase", "payments:read");
        Api.Res unknown = admin.post("/api/external-apps/" + appId + "/api-keys", Map.of("scopes", List.of("delete:content")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.text()).contains("read:content");
    }
}
