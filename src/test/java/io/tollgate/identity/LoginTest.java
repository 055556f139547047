package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class LoginTest extends IdentityTest {

    @Test
    void signsInByEmailCaseInsensitivelyOrByPhoneInAnyFormat() {
        Api client = appClient(createApp());
        String email = email();
        String phone = phone();
        String id = register(client, email, phone).get("user").get("id").asString();
        JsonNode byEmail = ok(client.post("/api/v1/auth/login", Map.of("email", " " + email.toUpperCase() + " ", "password", PASSWORD)));
        assertThat(byEmail.get("user").get("id").asString()).isEqualTo(id);
        assertThat(byEmail.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(byEmail.get("refresh_token").asString()).startsWith("tg_rt_");
        String dashed = "+" + phone.substring(0, 3) + " " + phone.substring(3, 6) + "-" + phone.substring(6);
        JsonNode byPhone = ok(client.post("/api/v1/auth/login", Map.of("phone", dashed, "password", PASSWORD)));
        assertThat(byPhone.get("user").get("id").asString()).isEqualTo(id);
        assertThat(ok(as(client, byPhone).get("/api/v1/auth/me")).get("user").get("id").asString()).isEqualTo(id);
    }

    @Test
    void wrongPasswordUnknownEmailAndUnknownPhoneLookTheSame() {
        Api client = appClient(createApp());
        String email = email();
        register(client, email, phone());
        Api.Res wrongPassword = client.post("/api/v1/auth/login", Map.of("email", email, "password", "not the password"));
        Api.Res unknownEmail = client.post("/api/v1/auth/login", Map.of("email", email(), "password", PASSWORD));
        Api.Res unknownPhone = client.post("/api/v1/auth/login", Map.of("phone", phone(), "password", PASSWORD));
        for (Api.Res res : java.util.List.of(wrongPassword, unknownEmail, unknownPhone)) assertError(res, 401, "INVALID_CREDENTIALS");
        assertThat(unknownEmail.json().get("error")).isEqualTo(wrongPassword.json().get("error"));
        assertThat(unknownPhone.json().get("error")).isEqualTo(wrongPassword.json().get("error"));
        // Another app's account is unknown here.
        assertError(appClient(createApp()).post("/api/v1/auth/login", Map.of("email", email, "password", PASSWORD)), 401, "INVALID_CREDENTIALS");
    }

    @Test
    void malformedLoginRequestsAre400() {
        Api client = appClient(createApp());
        assertThat(invalidFields(client.post("/api/v1/auth/login", Map.of("password", PASSWORD)))).containsExactly("email", "phone");
        assertThat(invalidFields(client.post("/api/v1/auth/login", Map.of("email", email())))).containsExactly("password");
        assertThat(invalidFields(client.post("/api/v1/auth/login", Map.of("email", email(), "phone", phone(), "password", PASSWORD))))
                .containsExactly("phone");
    }

    @Test
    void repeatedFailuresOnOneAccountAreThrottledEvenForTheRightPassword() {
        Api client = appClient(createApp());
        String email = email();
        register(client, email, null);
        String other = email();
        register(client, other, null);
        for (int i = 0; i < 5; i++) {
            assertError(client.post("/api/v1/auth/login", Map.of("email", email, "password", "wrong " + i)), 401, "INVALID_CREDENTIALS");
        }
        Api.Res throttled = client.post("/api/v1/auth/login", Map.of("email", email, "password", PASSWORD));
        assertError(throttled, 429, "RATE_LIMITED");
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 15L * 60);
        // Only that account: another account of the app signs in as usual.
        ok(client.post("/api/v1/auth/login", Map.of("email", other, "password", PASSWORD)));
    }

    @Test
    void aSuccessfulSignInClearsEarlierFailures() {
        Api client = appClient(createApp());
        String email = email();
        register(client, email, null);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 4; i++) client.post("/api/v1/auth/login", Map.of("email", email, "password", "wrong"));
            ok(client.post("/api/v1/auth/login", Map.of("email", email, "password", PASSWORD)));
        }
    }

    @Test
    void manyAttemptsFromOneAddressAreThrottledWhateverTheAccount() {
        Api client = appClient(createApp());
        for (int i = 0; i < 30; i++) {
            assertError(client.post("/api/v1/auth/login", Map.of("email", email(), "password", PASSWORD)), 401, "INVALID_CREDENTIALS");
        }
        Api.Res throttled = client.post("/api/v1/auth/login", Map.of("email", email(), "password", PASSWORD));
        assertError(throttled, 429, "RATE_LIMITED");
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(throttled.json().get("error").get("details").get("retry_after_seconds").asLong()).isPositive();
    }

    /** Without TOLLGATE_TRUSTED_PROXIES the TCP peer is the client: a made-up X-Forwarded-For changes nothing. */
    @Test
    void forwardedForIsNotBelievedUnlessAProxyIsTrusted() {
        Api client = appClient(createApp());
        for (int i = 0; i < 30; i++) {
            Api.Res res = client.with("X-Forwarded-For", "203.0.113." + i).post("/api/v1/auth/login", Map.of("email", email(), "password", PASSWORD));
            assertError(res, 401, "INVALID_CREDENTIALS");
        }
        assertError(client.with("X-Forwarded-For", "198.51.100.99").post("/api/v1/auth/login", Map.of("email", email(), "password", PASSWORD)),
                429, "RATE_LIMITED");
    }
}
