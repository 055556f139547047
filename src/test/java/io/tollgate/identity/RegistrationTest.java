package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class RegistrationTest extends IdentityTest {
    @Autowired
    IdentityEvents events;

    /**
     * Each new user gets its starting credits in the sign-up's transaction. 130 sign-ups at once against
     * the pool's 20 connections: were the wallet made on a second connection, the sign-ups would hold
     * all 20 and wait for more until the pool timed out.
     */
    @Test
    void aBurstOfSignUpsLargerThanThePoolCompletesQuickly() throws Exception {
        String appId = createApp();
        Api client = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        int each = 60;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Api.Res>> answers = new ArrayList<>();
        long began = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < each; i++) {
                answers.add(pool.submit(() -> { start.await(); return client.post("/api/v1/auth/anonymous", Map.of("device_id", deviceId())); }));
                answers.add(pool.submit(() -> { start.await(); return client.with("X-External-User-Id", deviceId()).get("/api/v1/credits/balance"); }));
                // A few with passwords: Argon2id is CPU-bound, and this test is about connections.
                if (i % 6 == 0) answers.add(pool.submit(() -> { start.await(); return client.post("/api/v1/auth/register", Map.of("email", email(), "password", PASSWORD)); }));
            }
            start.countDown();
            for (Future<Api.Res> answer : answers) {
                Api.Res res = answer.get(60, TimeUnit.SECONDS);
                assertThat(res.status()).as(res.toString()).isIn(200, 201);
            }
        }
        // Within the pool's 30-second connection timeout, which a starved pool would run into.
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(30));
        assertThat(answers.get(1).get().data().get("balance").asLong()).as("starting credits").isEqualTo(3);
        assertThat(jdbc.sql("""
                SELECT count(*) FROM end_users u JOIN ledger_accounts a ON a.owner_type = 'end_user' AND a.owner_id = u.id
                WHERE u.app_id = ? AND a.balance = 3""").param(appId).query(Long.class).single()).isEqualTo((long) answers.size());
    }

    @Test
    void registersWithEmailPhoneOrBothAndAnswersTokens() {
        Api client = appClient(createApp());
        String email = email();
        JsonNode byEmail = register(client, email, null);
        assertThat(byEmail.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(byEmail.get("expires_in").asLong()).isEqualTo(900);
        assertThat(byEmail.get("access_token").asString().split("\\.")).hasSize(3);
        assertThat(byEmail.get("refresh_token").asString()).startsWith("tg_rt_");
        JsonNode user = byEmail.get("user");
        assertThat(user.get("id").asString()).startsWith("usr_");
        assertThat(user.get("kind").asString()).isEqualTo("registered");
        assertThat(user.get("email").asString()).isEqualTo(email);
        assertThat(user.get("status").asString()).isEqualTo("active");
        assertThat(user.toString()).doesNotContain("password").doesNotContain("argon2");

        JsonNode byPhone = register(client, null, "+254 712-345-678");
        assertThat(byPhone.get("user").get("phone").asString()).isEqualTo("254712345678");
        assertThat(byPhone.get("user").get("email").isNull()).isTrue();

        JsonNode both = created(client.post("/api/v1/auth/register", Map.of("email", email(), "phone", phone(),
                "password", PASSWORD, "user_data", Map.of("display_name", "Amina"))));
        assertThat(both.get("user").get("user_data").get("display_name").asString()).isEqualTo("Amina");

        // The token works at once: /me answers with the same user.
        JsonNode me = ok(as(client, both).get("/api/v1/auth/me"));
        assertThat(me.get("user").get("id").asString()).isEqualTo(both.get("user").get("id").asString());
        assertThat(jdbc.sql("SELECT password_hash FROM end_users WHERE id = ?").param(me.get("user").get("id").asString())
                .query(String.class).single()).startsWith("$argon2id$");
        // EndUserCreated is published inside the creating transaction.
        assertThat(events.about(me.get("user").get("id").asString()))
                .containsExactly(new IdentityEvents.Seen(new EndUserCreated(me.get("user").get("id").asString(),
                        me.get("user").get("app_id").asString(), "registered"), true));
    }

    @Test
    void duplicateEmailOrPhoneIsAConflictWithinOneAppOnly() {
        String appId = createApp();
        Api client = appClient(appId);
        String email = email();
        String phone = phone();
        register(client, email, phone);
        assertError(client.post("/api/v1/auth/register", Map.of("email", email.toUpperCase(), "password", PASSWORD)), 409, "EMAIL_TAKEN");
        assertError(client.post("/api/v1/auth/register", Map.of("phone", "+" + phone, "password", PASSWORD)), 409, "PHONE_TAKEN");
        assertError(client.post("/api/v1/auth/register", Map.of("email", email(), "phone", phone, "password", PASSWORD)), 409, "PHONE_TAKEN");
        // Another app has its own users.
        register(appClient(createApp()), email, phone);
    }

    @Test
    void everyInvalidFieldIsNamed() {
        Api client = appClient(createApp());
        assertThat(invalidFields(client.post("/api/v1/auth/register", Map.of("password", PASSWORD)))).containsExactly("email", "phone");
        assertThat(invalidFields(client.post("/api/v1/auth/register", Map.of("email", "not-an-email", "phone", "12ab",
                "password", "short")))).containsExactly("email", "phone", "password");
        assertThat(invalidFields(client.post("/api/v1/auth/register", Map.of("email", email())))).containsExactly("password");
        assertThat(invalidFields(client.post("/api/v1/auth/register", Map.of("phone", "123456", "password", PASSWORD)))).containsExactly("phone");
        assertThat(invalidFields(client.post("/api/v1/auth/register", Map.of("phone", "1234567890123456", "password", PASSWORD))))
                .containsExactly("phone");
        assertThat(invalidFields(client.post("/api/v1/auth/register", Map.of("email", email(), "password", "x".repeat(129)))))
                .containsExactly("password");
        Map<String, Object> tooMany = new HashMap<>();
        for (int i = 0; i < 51; i++) tooMany.put("k" + i, i);
        assertThat(invalidFields(client.post("/api/v1/auth/register", Map.of("email", email(), "password", PASSWORD, "user_data", tooMany))))
                .containsExactly("user_data");
        assertThat(invalidFields(client.post("/api/v1/auth/register", Map.of("email", 42, "password", PASSWORD)))).containsExactly("email");
        assertThat(invalidFields(client.post("/api/v1/auth/register", Map.of("email", email(), "password", PASSWORD, "role", "admin"))))
                .containsExactly("role");
        assertError(client.post("/api/v1/auth/register", "{not json"), 400, "VALIDATION_FAILED");
        // Exactly 8 characters and a 7-digit phone are fine.
        register(client, null, "1234567");
        created(client.post("/api/v1/auth/register", Map.of("email", email(), "password", "12345678")));
    }

    @Test
    void authEndpointsNeedTheUsersAuthScope() {
        String appId = createApp();
        Api narrow = appClient(appId, createKey(appId, Map.of("scopes", java.util.List.of("content:read"))).get("key").asString());
        assertError(narrow.post("/api/v1/auth/register", Map.of("email", email(), "password", PASSWORD)), 403, "INSUFFICIENT_SCOPE");
        assertError(narrow.post("/api/v1/auth/login", Map.of("email", email(), "password", PASSWORD)), 403, "INSUFFICIENT_SCOPE");
        // A publishable key (shipped in a client) may register and sign users in.
        Api publishable = appClient(appId, createKey(appId, Map.of("key_type", "publishable")).get("key").asString());
        register(publishable, email(), null);
    }

    @Test
    void meNeedsAUserToken() {
        Api client = appClient(createApp());
        Api.Res res = client.get("/api/v1/auth/me");
        assertError(res, 401, "USER_TOKEN_REQUIRED");
        assertThat(res.json().get("error").get("message").asString()).contains("X-User-Token").contains("X-External-User-Id");
        assertError(client.with("X-User-Token", "garbage").get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
    }
}
