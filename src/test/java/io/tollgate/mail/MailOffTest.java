package io.tollgate.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The shared test server has no SMTP server configured: mail is off, and what needs it says so. */
class MailOffTest extends ApiTest {

    @Test
    void withoutAnSmtpServerTheMailFeaturesAnswerEmailNotConfiguredAndNothingIsQueued() {
        String appId = createApp();
        admin.put("/api/external-apps/" + appId + "/auth-settings", Map.of("redirect_uris", List.of(),
                "email_verification_url", "https://app.example/verify", "password_reset_url", "https://app.example/reset"));
        Api app = appClient(appId);
        String email = "off-" + UUID.randomUUID() + "@example.com";
        Api.Res registered = app.post("/api/v1/auth/register", Map.of("email", email, "password", "correct horse battery"));
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        JsonNode tokens = registered.data();

        Api.Res verify = app.with("X-User-Token", tokens.get("access_token").asString()).post("/api/v1/auth/email/verify/request", null);
        assertThat(verify.status()).isEqualTo(503);
        assertThat(verify.errorCode()).isEqualTo("EMAIL_NOT_CONFIGURED");
        Api.Res forgot = app.post("/api/v1/auth/password/forgot", Map.of("email", email));
        assertThat(forgot.status()).isEqualTo(503);
        assertThat(forgot.errorCode()).isEqualTo("EMAIL_NOT_CONFIGURED");
        assertThat(jdbc.sql("SELECT count(*) FROM mail_outbox WHERE recipient = ?").param(email).query(Long.class).single()).isZero();
        JsonNode status = admin.get("/api/admin/mail").data();
        assertThat(status.get("enabled").asBoolean()).isFalse();
        assertThat(status.get("server").isNull()).isTrue();
    }
}
