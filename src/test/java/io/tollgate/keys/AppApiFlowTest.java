package io.tollgate.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Issue #2's acceptance walk: organization → app → activate → key → call → revoke → rotate. */
class AppApiFlowTest extends ApiTest {

    @Test
    void createActivateCallRevoke() {
        String org = admin.post("/api/admin/organizations", Map.of("name", "Acme")).data().get("id").asString();
        Api.Res app = admin.post("/api/external-apps", Map.of("organization_id", org, "name", "Sunset", "app_type", "mobile",
                "app_identifier", "com.acme.sunset." + System.nanoTime()));
        assertThat(app.status()).isEqualTo(201);
        assertThat(app.data().get("status").asString()).isEqualTo("pending");
        String appId = app.data().get("id").asString();
        String identifier = app.data().get("app_identifier").asString();

        JsonNode key = createKey(appId, Map.of("name", "server"));
        String secret = key.get("key").asString();
        assertThat(secret).startsWith("tg_sk_live_");

        Api client = appClient(identifier, secret);
        assertThat(client.get("/api/v1/app").errorCode()).isEqualTo("APP_NOT_ACTIVE");

        assertThat(admin.put("/api/external-apps/" + appId, Map.of("status", "active")).status()).isEqualTo(200);
        Api.Res me = client.get("/api/v1/app");
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().get("success").asBoolean()).isTrue();
        assertThat(me.json().get("meta").get("request_id").asString()).isNotBlank();
        assertThat(me.data().get("app").get("id").asString()).isEqualTo(appId);
        assertThat(me.data().get("key").get("id").asString()).isEqualTo(key.get("id").asString());
        // One name for the prefix in the key list and in /api/v1/app.
        assertThat(key.has("key_prefix")).as(key.toString()).isFalse();
        assertThat(me.data().get("key").get("prefix").asString()).isEqualTo(key.get("prefix").asString()).startsWith("tg_sk_live_");
        assertThat(admin.get("/api/external-apps/" + appId + "/api-keys").data().get(0).get("prefix").asString())
                .isEqualTo(key.get("prefix").asString());
        assertThat(me.data().get("key").get("name").asString()).isEqualTo("server");
        assertThat(me.data().get("app").get("name").asString()).isEqualTo("Sunset");
        assertThat(me.data().get("key").get("scopes").isArray()).isTrue();
        assertThat(me.data().get("key").get("rate_limit").asInt()).isEqualTo(1000);
        // The app id works as X-App-Id as well as the identifier.
        assertThat(appClient(appId, secret).get("/api/v1/app").status()).isEqualTo(200);

        assertThat(admin.delete("/api/external-apps/" + appId + "/api-keys/" + key.get("id").asString()).status()).isEqualTo(200);
        Api.Res revoked = client.get("/api/v1/app");
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.errorCode()).isEqualTo("INVALID_API_KEY");
    }

    @Test
    void rotationKeepsTheOldKeyForTheOverlapOnly() throws Exception {
        String appId = createApp();
        JsonNode old = createKey(appId, Map.of("name", "rotating", "scopes", java.util.List.of("content:read"), "rate_limit", 77));
        Api.Res rotated = admin.post("/api/external-apps/" + appId + "/api-keys/" + old.get("id").asString() + "/rotate",
                Map.of("overlap_seconds", 2));
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        JsonNode fresh = rotated.data().get("new_key");
        assertThat(fresh.get("key").asString()).isNotEqualTo(old.get("key").asString());
        assertThat(fresh.get("rate_limit").asInt()).isEqualTo(77);
        assertThat(fresh.get("scopes").get(0).asString()).isEqualTo("content:read");
        assertThat(rotated.data().get("old_key").get("replaced_by").asString()).isEqualTo(fresh.get("id").asString());

        Api oldClient = appClient(appId, old.get("key").asString());
        Api newClient = appClient(appId, fresh.get("key").asString());
        assertThat(oldClient.get("/api/v1/app").status()).isEqualTo(200);
        assertThat(newClient.get("/api/v1/app").status()).isEqualTo(200);

        Thread.sleep(2_100);
        assertThat(oldClient.get("/api/v1/app").status()).isEqualTo(401);
        assertThat(newClient.get("/api/v1/app").status()).isEqualTo(200);
        assertThat(admin.get("/api/external-apps/" + appId + "/api-keys/" + old.get("id").asString()).data()
                .get("status").asString()).isEqualTo("expired");
        // Rotating the same key twice would fork its lineage.
        assertThat(admin.post("/api/external-apps/" + appId + "/api-keys/" + old.get("id").asString() + "/rotate", Map.of())
                .status()).isEqualTo(409);
    }

    @Test
    void rotationWithoutOverlapStopsTheOldKeyAtOnce() {
        String appId = createApp();
        JsonNode old = createKey(appId, Map.of());
        Api.Res rotated = admin.post("/api/external-apps/" + appId + "/api-keys/" + old.get("id").asString() + "/rotate", null);
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(appClient(appId, old.get("key").asString()).get("/api/v1/app").status()).isEqualTo(401);
        assertThat(appClient(appId, rotated.data().get("new_key").get("key").asString()).get("/api/v1/app").status()).isEqualTo(200);
    }
}
