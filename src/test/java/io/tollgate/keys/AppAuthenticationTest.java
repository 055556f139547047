package io.tollgate.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class AppAuthenticationTest extends ApiTest {

    private void assertInvalidKey(Api.Res res) {
        assertThat(res.status()).as(res.toString()).isEqualTo(401);
        assertThat(res.errorCode()).isEqualTo("INVALID_API_KEY");
        assertThat(res.json().get("success").asBoolean()).isFalse();
    }

    /** The one answer for a key that is not good: it must not tell whether the key exists. */
    private void assertRefusedKey(Api.Res res) {
        assertInvalidKey(res);
        assertThat(res.json().get("error").get("message").asString()).as(res.toString()).isEqualTo("API key is invalid");
        assertThat(res.json().get("error").get("details").size()).as(res.toString()).isZero();
    }

    /** Unknown, revoked, expired, another app's, a deleted app's, mistyped: the same status, code, message and details. */
    @Test
    void everyBadKeyGetsTheSameAnswer() throws Exception {
        String appA = createApp();
        String appB = createApp();
        String good = createKey(appA, Map.of()).get("key").asString();
        JsonNode revoked = createKey(appA, Map.of());
        admin.delete("/api/external-apps/" + appA + "/api-keys/" + revoked.get("id").asString());
        JsonNode expiring = createKey(appA, Map.of("expires_at", Instant.now().plusSeconds(1).toString()));
        String deletedApp = createApp();
        String ofDeleted = createKey(deletedApp, Map.of()).get("key").asString();
        assertThat(admin.delete("/api/external-apps/" + deletedApp).status()).isEqualTo(200);
        Thread.sleep(1_100);
        assertRefusedKey(appClient(appA, io.tollgate.platform.TokenCodec.generate("tg_sk_live_")).get("/api/v1/app"));
        assertRefusedKey(appClient(appA, revoked.get("key").asString()).get("/api/v1/app"));
        assertRefusedKey(appClient(appA, expiring.get("key").asString()).get("/api/v1/app"));
        assertRefusedKey(appClient(appB, good).get("/api/v1/app"));
        assertRefusedKey(appClient("com.nobody.has.this", good).get("/api/v1/app"));
        assertRefusedKey(appClient(deletedApp, ofDeleted).get("/api/v1/app"));
        assertRefusedKey(appClient(appA, good.substring(0, 20) + (good.charAt(20) == 'A' ? 'B' : 'A') + good.substring(21)).get("/api/v1/app"));
        assertRefusedKey(appClient(appA, "not-a-key").get("/api/v1/app"));
        assertThat(appClient(appA, good).get("/api/v1/app").status()).isEqualTo(200);
    }

    @Test
    void missingMalformedAndUnknownKeysAre401() {
        String appId = createApp();
        assertInvalidKey(anonymous.with("X-App-Id", appId).get("/api/v1/app"));
        assertInvalidKey(anonymous.with("Authorization", "Basic abc").with("X-App-Id", appId).get("/api/v1/app"));
        assertInvalidKey(appClient(appId, "not-a-key").get("/api/v1/app"));
        String real = createKey(appId, Map.of()).get("key").asString();
        // One character changed: the checksum no longer matches, so it is refused without a lookup.
        String typo = real.substring(0, 15) + (real.charAt(15) == 'A' ? 'B' : 'A') + real.substring(16);
        assertInvalidKey(appClient(appId, typo).get("/api/v1/app"));
        // Well formed with a valid checksum, but never issued.
        assertInvalidKey(appClient(appId, io.tollgate.platform.TokenCodec.generate("tg_sk_live_")).get("/api/v1/app"));
        assertThat(appClient(appId, real).get("/api/v1/app").status()).isEqualTo(200);
    }

    @Test
    void xAppIdIsRequiredAndMustMatchTheKeysApp() {
        String appA = createApp();
        String appB = createApp();
        String keyA = createKey(appA, Map.of()).get("key").asString();
        assertInvalidKey(anonymous.bearer(keyA).get("/api/v1/app"));
        assertInvalidKey(appClient(appB, keyA).get("/api/v1/app"));
    }

    @Test
    void expiredKeyIs401() throws Exception {
        String appId = createApp();
        JsonNode key = createKey(appId, Map.of("expires_at", Instant.now().plusSeconds(1).toString()));
        Api client = appClient(appId, key.get("key").asString());
        assertThat(client.get("/api/v1/app").status()).isEqualTo(200);
        Thread.sleep(1_100);
        assertInvalidKey(client.get("/api/v1/app"));
        assertThat(admin.post("/api/external-apps/" + appId + "/api-keys", Map.of("expires_at", "2001-01-01T00:00:00Z")).status())
                .isEqualTo(400);
    }

    /** PUT with "expires_at": null removes the expiry; leaving it out keeps it. */
    @Test
    void anExpiryCanBeRemoved() {
        String appId = createApp();
        String soon = Instant.now().plusSeconds(3600).toString();
        String keyId = createKey(appId, Map.of("expires_at", soon)).get("id").asString();
        String path = "/api/external-apps/" + appId + "/api-keys/" + keyId;
        assertThat(admin.put(path, Map.of("name", "renamed")).data().get("expires_at").isNull()).isFalse();
        Api.Res cleared = admin.put(path, "{\"expires_at\": null}");
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(200);
        assertThat(cleared.data().get("expires_at").isNull()).isTrue();
        assertThat(cleared.data().get("name").asString()).isEqualTo("renamed");
        assertThat(admin.put(path, Map.of("expires_at", "2001-01-01T00:00:00Z")).status()).isEqualTo(400);
    }

    @Test
    void suspendedPendingAndDeletedApps() {
        String org = createOrganization();
        String pending = createApp(org, "pending");
        Api.Res res = appClient(pending).get("/api/v1/app");
        assertThat(res.status()).isEqualTo(403);
        assertThat(res.errorCode()).isEqualTo("APP_NOT_ACTIVE");

        String active = createApp(org, "active");
        Api client = appClient(active);
        assertThat(client.get("/api/v1/app").status()).isEqualTo(200);
        admin.put("/api/external-apps/" + active, Map.of("status", "suspended"));
        assertThat(client.get("/api/v1/app").errorCode()).isEqualTo("APP_NOT_ACTIVE");
        admin.put("/api/external-apps/" + active, Map.of("status", "active"));
        assertThat(client.get("/api/v1/app").status()).isEqualTo(200);

        admin.put("/api/admin/organizations/" + org, Map.of("status", "suspended"));
        assertThat(client.get("/api/v1/app").errorCode()).isEqualTo("APP_NOT_ACTIVE");
        admin.put("/api/admin/organizations/" + org, Map.of("status", "active"));
        assertThat(client.get("/api/v1/app").status()).isEqualTo(200);

        assertThat(admin.delete("/api/external-apps/" + active).status()).isEqualTo(200);
        assertInvalidKey(client.get("/api/v1/app"));
        assertThat(admin.get("/api/external-apps/" + active).status()).isEqualTo(404);
    }

    @Test
    void missingScopeIs403() {
        String appId = createApp();
        Api narrow = appClient(appId, createKey(appId, Map.of("scopes", List.of("content:read"))).get("key").asString());
        Api.Res res = narrow.get(ScopeProbeController.PATH);
        assertThat(res.status()).isEqualTo(403);
        assertThat(res.errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
        Api wide = appClient(appId, createKey(appId, Map.of("scopes", List.of(ScopeProbeController.SCOPE))).get("key").asString());
        assertThat(wide.get(ScopeProbeController.PATH).status()).isEqualTo(200);
    }

    @Test
    void publishableKeysCannotCarrySecretOnlyScopes() {
        String appId = createApp();
        Api.Res res = admin.post("/api/external-apps/" + appId + "/api-keys",
                Map.of("key_type", "publishable", "scopes", List.of("tokens:consume")));
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.json().get("error").get("details").get("fields").get(0).get("field").asString()).isEqualTo("scopes");
        JsonNode pk = createKey(appId, Map.of("key_type", "publishable", "environment", "test"));
        assertThat(pk.get("key").asString()).startsWith("tg_pk_test_");
        assertThat(pk.get("scopes").toString()).doesNotContain("tokens:consume");
        assertThat(admin.post("/api/external-apps/" + appId + "/api-keys", Map.of("scopes", List.of("everything"))).status()).isEqualTo(400);
    }

    /**
     * Every UPDATE of a row gives it a new version with a new xmin; counting the versions the key's row
     * goes through while it is used shows whether requests write. Only the periodic flush (every
     * 200 ms in tests) may: a write per request would make about one version per request.
     */
    @Test
    void lastUsedAtIsKeptWithoutAWritePerRequest() throws Exception {
        String appId = createApp();
        JsonNode key = createKey(appId, Map.of());
        String keyId = key.get("id").asString();
        assertThat(key.get("last_used_at").isNull()).isTrue();
        Api client = appClient(appId, key.get("key").asString());
        java.util.Set<String> versions = new java.util.HashSet<>();
        versions.add(rowVersion(keyId));
        int requests = 60;
        long started = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            assertThat(client.get("/api/v1/app").status()).isEqualTo(200);
            versions.add(rowVersion(keyId));
        }
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
        // The first version plus at most one per flush that ran meanwhile.
        assertThat(versions.size() - 1).as("row versions after %d requests in %d ms", requests, elapsedMillis)
                .isLessThanOrEqualTo((int) (elapsedMillis / 200) + 2)
                .isLessThan(requests / 2);
        // Visible at once through the in-memory tracker…
        assertThat(admin.get("/api/external-apps/" + appId + "/api-keys/" + keyId).data().get("last_used_at").isNull()).isFalse();
        // …and written to the database by the periodic flush.
        long deadline = System.currentTimeMillis() + 5_000;
        while (lastUsedInDatabase(keyId).isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertThat(lastUsedInDatabase(keyId)).isPresent();
    }

    private String rowVersion(String keyId) {
        return jdbc.sql("SELECT xmin::text FROM api_keys WHERE id = ?").param(keyId).query(String.class).single();
    }

    private java.util.Optional<java.sql.Timestamp> lastUsedInDatabase(String keyId) {
        return jdbc.sql("SELECT last_used_at FROM api_keys WHERE id = ?").param(keyId).query(java.sql.Timestamp.class).optional();
    }
}
