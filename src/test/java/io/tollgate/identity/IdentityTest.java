package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Helpers shared by the end-user tests. */
abstract class IdentityTest extends ApiTest {
    static final String PASSWORD = "correct horse battery";

    static String email() {
        return "user-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** Digits unlikely to collide between tests: 2547 + 8 random digits. */
    static String phone() {
        return "2547" + String.format("%08d", (long) (Math.random() * 100_000_000L));
    }

    static JsonNode created(Api.Res res) {
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data();
    }

    static JsonNode ok(Api.Res res) {
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.data();
    }

    static void assertError(Api.Res res, int status, String code) {
        assertThat(res.status()).as(res.toString()).isEqualTo(status);
        assertThat(res.errorCode()).as(res.toString()).isEqualTo(code);
        assertThat(res.json().get("success").asBoolean()).isFalse();
    }

    static List<String> invalidFields(Api.Res res) {
        assertError(res, 400, "VALIDATION_FAILED");
        return res.json().get("error").get("details").get("fields").valueStream().map(f -> f.get("field").asString()).toList();
    }

    JsonNode register(Api client, String email, String phone) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        if (email != null) body.put("email", email);
        if (phone != null) body.put("phone", phone);
        body.put("password", PASSWORD);
        return created(client.post("/api/v1/auth/register", body));
    }

    JsonNode anonymousUser(Api client, String deviceId) {
        Api.Res res = client.post("/api/v1/auth/anonymous", Map.of("device_id", deviceId));
        assertThat(res.status()).as(res.toString()).isIn(200, 201);
        return res.data();
    }

    static String deviceId() {
        return "device-" + UUID.randomUUID();
    }

    static Api as(Api client, JsonNode tokens) {
        return client.with("X-User-Token", tokens.get("access_token").asString());
    }
}
