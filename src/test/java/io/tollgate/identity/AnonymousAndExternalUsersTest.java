package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class AnonymousAndExternalUsersTest extends IdentityTest {
    @Autowired
    IdentityEvents events;

    @Test
    void aDeviceGetsOneAnonymousUser() {
        String appId = createApp();
        Api client = appClient(appId);
        String device = deviceId();
        Api.Res first = client.post("/api/v1/auth/anonymous", Map.of("device_id", device));
        JsonNode user = created(first).get("user");
        assertThat(user.get("kind").asString()).isEqualTo("anonymous");
        assertThat(user.get("device_id").asString()).isEqualTo(device);
        Api.Res again = client.post("/api/v1/auth/anonymous", Map.of("device_id", device));
        assertThat(ok(again).get("user").get("id").asString()).isEqualTo(user.get("id").asString());
        ok(as(client, again.data()).get("/api/v1/auth/me"));
        assertThat(events.about(user.get("id").asString()))
                .containsExactly(new IdentityEvents.Seen(new EndUserCreated(user.get("id").asString(), appId, "anonymous"), true));
        // Another device, another user; the same device of another app, another user.
        assertThat(anonymousUser(client, deviceId()).get("user").get("id").asString()).isNotEqualTo(user.get("id").asString());
        assertThat(created(appClient(createApp()).post("/api/v1/auth/anonymous", Map.of("device_id", device))).get("user").get("id").asString())
                .isNotEqualTo(user.get("id").asString());
        assertThat(invalidFields(client.post("/api/v1/auth/anonymous", Map.of("device_id", "")))).containsExactly("device_id");
        assertThat(invalidFields(client.post("/api/v1/auth/anonymous", Map.of("device_id", "d".repeat(256))))).containsExactly("device_id");
        assertThat(invalidFields(client.post("/api/v1/auth/anonymous", Map.of()))).containsExactly("device_id");
    }

    @Test
    void registeringWithAnAnonymousTokenUpgradesThatUserInPlace() {
        String appId = createApp();
        Api client = appClient(appId);
        String device = deviceId();
        JsonNode anonymous = anonymousUser(client, device);
        String id = anonymous.get("user").get("id").asString();
        String email = email();
        JsonNode registered = created(as(client, anonymous).post("/api/v1/auth/register", Map.of("email", email, "password", PASSWORD)));
        assertThat(registered.get("user").get("id").asString()).isEqualTo(id);
        assertThat(registered.get("user").get("kind").asString()).isEqualTo("registered");
        assertThat(registered.get("user").get("email").asString()).isEqualTo(email);
        // The old anonymous token now names a registered user; a login finds the same id.
        assertThat(ok(as(client, anonymous).get("/api/v1/auth/me")).get("user").get("kind").asString()).isEqualTo("registered");
        assertThat(ok(client.post("/api/v1/auth/login", Map.of("email", email, "password", PASSWORD))).get("user").get("id").asString())
                .isEqualTo(id);
        // The device no longer hands out that (now registered) account: it starts a fresh anonymous user.
        assertThat(created(client.post("/api/v1/auth/anonymous", Map.of("device_id", device))).get("user").get("id").asString())
                .isNotEqualTo(id);
        // A registered user's token cannot register again.
        assertError(as(client, registered).post("/api/v1/auth/register", Map.of("email", email(), "password", PASSWORD)), 409,
                "ALREADY_REGISTERED");
    }

    @Test
    void signingInWithAnAnonymousTokenMergesThatUser() {
        String appId = createApp();
        Api client = appClient(appId);
        String email = email();
        String registeredId = register(client, email, null).get("user").get("id").asString();
        String device = deviceId();
        JsonNode anonymous = anonymousUser(client, device);
        String anonymousId = anonymous.get("user").get("id").asString();

        JsonNode signedIn = ok(as(client, anonymous).post("/api/v1/auth/login", Map.of("email", email, "password", PASSWORD)));
        assertThat(signedIn.get("user").get("id").asString()).isEqualTo(registeredId);
        assertThat(jdbc.sql("SELECT status || ':' || merged_into FROM end_users WHERE id = ?").param(anonymousId).query(String.class).single())
                .isEqualTo("merged:" + registeredId);
        assertThat(events.about(anonymousId)).contains(new IdentityEvents.Seen(new EndUserMerged(anonymousId, registeredId, appId), true));
        // The merged user's token is dead; the device may start over.
        assertError(as(client, anonymous).get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
        assertThat(created(client.post("/api/v1/auth/anonymous", Map.of("device_id", device))).get("user").get("id").asString())
                .isNotEqualTo(anonymousId);
        // Merged users leave the admin list but remain readable one by one, and cannot be re-enabled.
        assertThat(admin.get("/api/external-apps/" + appId + "/users").text()).doesNotContain(anonymousId);
        assertThat(ok(admin.get("/api/external-apps/" + appId + "/users/" + anonymousId)).get("merged_into").asString()).isEqualTo(registeredId);
        assertError(admin.put("/api/external-apps/" + appId + "/users/" + anonymousId, Map.of("status", "active")), 409, "USER_MERGED");
    }

    @Test
    void aFailedSignInMergesNothing() {
        Api client = appClient(createApp());
        String email = email();
        register(client, email, null);
        JsonNode anonymous = anonymousUser(client, deviceId());
        assertError(as(client, anonymous).post("/api/v1/auth/login", Map.of("email", email, "password", "wrong password")), 401,
                "INVALID_CREDENTIALS");
        assertThat(ok(as(client, anonymous).get("/api/v1/auth/me")).get("user").get("status").asString()).isEqualTo("active");
    }

    @Test
    void anExternalUserIdCreatesTheUserOnceEvenUnderConcurrency() {
        String appId = createApp();
        Api client = appClient(appId);
        String external = "ext-" + UUID.randomUUID();
        List<CompletableFuture<Api.Res>> calls = java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> client.with("X-External-User-Id", external).get("/api/v1/auth/me")))
                .toList();
        List<String> ids = calls.stream().map(CompletableFuture::join).map(res -> ok(res).get("user").get("id").asString()).distinct().toList();
        assertThat(ids).hasSize(1);
        JsonNode user = ok(client.with("X-External-User-Id", external).get("/api/v1/auth/me")).get("user");
        assertThat(user.get("id").asString()).isEqualTo(ids.get(0));
        assertThat(user.get("kind").asString()).isEqualTo("external");
        assertThat(user.get("external_user_id").asString()).isEqualTo(external);
        assertThat(jdbc.sql("SELECT count(*) FROM end_users WHERE app_id = ? AND external_user_id = ?").params(appId, external)
                .query(Long.class).single()).isEqualTo(1);
        assertThat(events.about(ids.get(0))).containsExactly(new IdentityEvents.Seen(new EndUserCreated(ids.get(0), appId, "external"), true));
    }

    @Test
    void externalUserIdsNeedTheImpersonateScopeAndExcludeUserTokens() {
        String appId = createApp();
        Api publishable = appClient(appId, createKey(appId, Map.of("key_type", "publishable")).get("key").asString());
        assertError(publishable.with("X-External-User-Id", "someone").get("/api/v1/auth/me"), 403, "INSUFFICIENT_SCOPE");
        Api client = appClient(appId);
        JsonNode tokens = register(client, email(), null);
        Api.Res both = as(client, tokens).with("X-External-User-Id", "someone").get("/api/v1/auth/me");
        assertThat(invalidFields(both)).containsExactly("X-User-Token", "X-External-User-Id");
        assertThat(invalidFields(client.with("X-External-User-Id", "e".repeat(256)).get("/api/v1/auth/me"))).containsExactly("X-External-User-Id");
        assertThat(jdbc.sql("SELECT count(*) FROM end_users WHERE app_id = ? AND external_user_id = 'someone'").param(appId)
                .query(Long.class).single()).isZero();
    }

    @Test
    void aDisabledExternalUserIsRefused() {
        String appId = createApp();
        Api client = appClient(appId).with("X-External-User-Id", "ext-" + UUID.randomUUID());
        String id = ok(client.get("/api/v1/auth/me")).get("user").get("id").asString();
        ok(admin.put("/api/external-apps/" + appId + "/users/" + id, Map.of("status", "disabled")));
        assertError(client.get("/api/v1/auth/me"), 403, "USER_DISABLED");
    }

    @Test
    void linkingSetsTheMasterUserIdWithASecretKeyOnly() {
        String appId = createApp();
        Api client = appClient(appId);
        JsonNode tokens = register(client, email(), null);
        String master = UUID.randomUUID().toString();
        JsonNode linked = ok(as(client, tokens).post("/api/v1/auth/link", Map.of("master_user_id", master)));
        assertThat(linked.get("user").get("master_user_id").asString()).isEqualTo(master);
        assertThat(ok(as(client, tokens).get("/api/v1/auth/me")).get("user").get("master_user_id").asString()).isEqualTo(master);
        // A publishable key (inside a client anyone can read) cannot vouch for a link.
        Api publishable = appClient(appId, createKey(appId, Map.of("key_type", "publishable")).get("key").asString());
        assertError(as(publishable, tokens).post("/api/v1/auth/link", Map.of("master_user_id", "other")), 403, "INSUFFICIENT_SCOPE");
        assertError(client.post("/api/v1/auth/link", Map.of("master_user_id", master)), 401, "USER_TOKEN_REQUIRED");
        assertThat(invalidFields(as(client, tokens).post("/api/v1/auth/link", Map.of("master_user_id", " ")))).containsExactly("master_user_id");
        // An external user can be linked too, named by the app.
        JsonNode external = ok(client.with("X-External-User-Id", "ext-" + UUID.randomUUID()).post("/api/v1/auth/link",
                Map.of("master_user_id", master)));
        assertThat(external.get("user").get("kind").asString()).isEqualTo("external");
        assertThat(external.get("user").get("master_user_id").asString()).isEqualTo(master);
    }
}
