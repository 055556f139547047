package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A forgotten password: the same answer for every email, a mailed link that works once, and every session ended. */
class PasswordResetTest extends SignInTest {

    @Test
    void theMailedLinkSetsANewPasswordOnceAndEndsEverySession() throws Exception {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String email = email();
        JsonNode first = register(app, email);
        JsonNode second = login(app, email, PASSWORD);

        Api.Res asked = app.post("/api/v1/auth/password/forgot", Map.of("email", email.toUpperCase()));
        assertThat(asked.status()).as(asked.toString()).isEqualTo(202);
        MimeMessage mail = mailsTo(email, 2).get(1);
        assertThat(mail.getSubject()).isEqualTo("Reset your App password");
        URI link = firstLink(mail);
        assertThat(link.toString()).startsWith(RESET_PAGE + "?token=tg_pr_");
        String token = parameter(link, "token");

        assertThat(IdentityTest.invalidFields(app.post("/api/v1/auth/password/reset", Map.of("token", token, "password", "short"))))
                .containsExactly("password");
        ok(app.post("/api/v1/auth/password/reset", Map.of("token", token, "password", "a brand new passphrase")));
        // Every session ended: access tokens and refresh tokens of both sign-ins.
        assertError(as(app, first).get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
        assertError(as(app, second).get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
        assertError(app.post("/api/v1/auth/refresh", Map.of("refresh_token", second.get("refresh_token").asString())), 401,
                "INVALID_REFRESH_TOKEN");
        assertError(app.post("/api/v1/auth/login", Map.of("email", email, "password", PASSWORD)), 401, "INVALID_CREDENTIALS");
        JsonNode fresh = login(app, email, "a brand new passphrase");
        // Following the link proved the address.
        assertThat(fresh.get("user").get("email_verified").asBoolean()).isTrue();
        // Single use.
        assertError(app.post("/api/v1/auth/password/reset", Map.of("token", token, "password", "yet another passphrase")), 400,
                "INVALID_EMAIL_TOKEN");
        assertThat(jdbc.sql("SELECT revoked_reason FROM auth_sessions WHERE end_user_id = ? AND status = 'revoked'")
                .param(first.get("user").get("id").asString()).query(String.class).list()).containsOnly("password_reset");
    }

    @Test
    void theAnswerIsTheSameWhetherOrNotTheAccountExistsAndOnlyARealAccountGetsMail() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String email = email();
        register(app, email);
        String nobody = email();
        Api.Res known = app.post("/api/v1/auth/password/forgot", Map.of("email", email));
        Api.Res unknown = app.post("/api/v1/auth/password/forgot", Map.of("email", nobody));
        assertThat(unknown.status()).isEqualTo(known.status()).isEqualTo(202);
        assertThat(unknown.data()).isEqualTo(known.data());
        assertThat(mailsTo(email, 2)).hasSize(2);
        assertThat(jdbc.sql("SELECT count(*) FROM mail_outbox WHERE recipient = ?").param(nobody).query(Long.class).single()).isZero();
        assertThat(IdentityTest.invalidFields(app.post("/api/v1/auth/password/forgot", Map.of("email", "not an email")))).containsExactly("email");
    }

    @Test
    void requestsAreLimitedPerEmailAlikeForAccountsAndNonAccounts() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String email = email();
        register(app, email);
        String nobody = email();
        for (int i = 0; i < 3; i++) {
            assertThat(app.post("/api/v1/auth/password/forgot", Map.of("email", email)).status()).isEqualTo(202);
            assertThat(app.post("/api/v1/auth/password/forgot", Map.of("email", nobody)).status()).isEqualTo(202);
        }
        Api.Res known = app.post("/api/v1/auth/password/forgot", Map.of("email", email));
        Api.Res unknown = app.post("/api/v1/auth/password/forgot", Map.of("email", nobody));
        assertError(known, 429, "RATE_LIMITED");
        assertError(unknown, 429, "RATE_LIMITED");
        assertThat(known.json().get("error").get("message").asString()).isEqualTo(unknown.json().get("error").get("message").asString());
        // Another address is still welcome.
        assertThat(app.post("/api/v1/auth/password/forgot", Map.of("email", email())).status()).isEqualTo(202);
    }

    @Test
    void requestsAreLimitedPerClientAddressWhateverTheEmail() {
        Api app = appClient(appWithSignIn());
        String email = email();
        register(app, email);
        // TOLLGATE_PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR: 20 an hour from one address, each for another email.
        for (int i = 0; i < 19; i++) assertThat(app.post("/api/v1/auth/password/forgot", Map.of("email", email())).status()).isEqualTo(202);
        assertThat(app.post("/api/v1/auth/password/forgot", Map.of("email", email)).status()).isEqualTo(202);
        Api.Res known = app.post("/api/v1/auth/password/forgot", Map.of("email", email));
        Api.Res unknown = app.post("/api/v1/auth/password/forgot", Map.of("email", email()));
        assertError(known, 429, "RATE_LIMITED");
        assertError(unknown, 429, "RATE_LIMITED");
        assertThat(unknown.json().get("error").get("message").asString()).isEqualTo(known.json().get("error").get("message").asString())
                .contains("from this address");
        assertThat(Long.parseLong(known.header("Retry-After"))).isPositive();
        // One mail went out for the account (the sign-up's verification aside); another app's limit is its own.
        assertThat(mailsTo(email, 2)).hasSize(2);
        assertThat(appClient(appWithSignIn()).post("/api/v1/auth/password/forgot", Map.of("email", email())).status()).isEqualTo(202);
        // An hour later the address may ask again.
        clock.advance(Duration.ofMinutes(61));
        assertThat(app.post("/api/v1/auth/password/forgot", Map.of("email", email())).status()).isEqualTo(202);
    }

    @Test
    void anExpiredOrForeignTokenChangesNothing() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String email = email();
        register(app, email);
        app.post("/api/v1/auth/password/forgot", Map.of("email", email));
        String token = parameter(firstLink(mailsTo(email, 2).get(1)), "token");
        assertError(appClient(appWithSignIn()).post("/api/v1/auth/password/reset", Map.of("token", token, "password", "stolen passphrase")),
                400, "INVALID_EMAIL_TOKEN");
        clock.advance(Duration.ofMinutes(31));
        assertError(app.post("/api/v1/auth/password/reset", Map.of("token", token, "password", "late passphrase")), 400, "INVALID_EMAIL_TOKEN");
        login(app, email, PASSWORD);
    }

    @Test
    void withoutAResetPageTheRequestSaysWhy() {
        String appId = createApp();
        assertError(appClient(appId).post("/api/v1/auth/password/forgot", Map.of("email", email())), 409, "EMAIL_LINKS_NOT_CONFIGURED");
    }
}
