package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Proving an address: the mail a person receives, the link in it, and what the token may and may not do. */
class EmailVerificationTest extends SignInTest {

    @Test
    void signUpMailsAVerificationLinkWhoseTokenProvesTheAddressOnceAndThenAWelcome() throws Exception {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String email = email();
        JsonNode tokens = register(app, email);
        assertThat(tokens.get("user").get("email_verified").asBoolean()).isFalse();

        MimeMessage mail = onlyMailTo(email);
        assertThat(mail.getSubject()).isEqualTo("Confirm your email address for App");
        InternetAddress from = (InternetAddress) mail.getFrom()[0];
        assertThat(from.getAddress()).isEqualTo("no-reply@tollgate.test");
        assertThat(from.getPersonal()).isEqualTo("App");
        assertThat(part(mail, "text/html")).contains("<a href=\"" + VERIFY_PAGE + "?token=tg_ev_").contains("lang=\"en\"");
        URI link = firstLink(mail);
        assertThat(link.toString()).startsWith(VERIFY_PAGE + "?token=tg_ev_");
        String token = parameter(link, "token");
        // Stored hashed: the token itself is in no table.
        assertThat(jdbc.sql("SELECT count(*) FROM email_tokens WHERE encode(token_hash, 'escape') LIKE ?").param("%" + token + "%")
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM mail_outbox WHERE model_sealed LIKE ?").param("%" + token + "%").query(Long.class).single()).isZero();

        JsonNode verified = ok(app.post("/api/v1/auth/email/verify", Map.of("token", token)));
        assertThat(verified.get("user").get("email_verified").asBoolean()).isTrue();
        assertThat(ok(as(app, tokens).get("/api/v1/auth/me")).get("user").get("email_verified").asBoolean()).isTrue();
        // Single use.
        assertError(app.post("/api/v1/auth/email/verify", Map.of("token", token)), 400, "INVALID_EMAIL_TOKEN");

        MimeMessage welcome = mailsTo(email, 2).get(1);
        assertThat(welcome.getSubject()).isEqualTo("Welcome to App!");
        assertThat(part(welcome, "text/plain")).contains("Welcome to App!");
        // Sent mails keep no content. (The sender marks a mail sent just after the SMTP server took it, so the second
        // mail can be in the inbox a moment before its row says so.)
        long deadline = System.currentTimeMillis() + 10_000;
        long sentWithoutContent;
        while ((sentWithoutContent = jdbc.sql("SELECT count(*) FROM mail_outbox WHERE recipient = ? AND status = 'sent' AND model_sealed IS NULL")
                .param(email).query(Long.class).single()) < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sentWithoutContent).isEqualTo(2);
        // Asking again once verified is refused.
        assertError(as(app, tokens).post("/api/v1/auth/email/verify/request", null), 409, "EMAIL_ALREADY_VERIFIED");
    }

    @Test
    void aUserAsksForANewLinkAndAnExpiredOrForeignTokenProvesNothing() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String email = email();
        JsonNode tokens = register(app, email);
        String first = parameter(firstLink(mailsTo(email, 1).get(0)), "token");

        Api.Res asked = as(app, tokens).post("/api/v1/auth/email/verify/request", null);
        assertThat(asked.status()).as(asked.toString()).isEqualTo(202);
        assertThat(asked.data().get("email").asString()).isEqualTo(email);
        String second = parameter(firstLink(mailsTo(email, 2).get(1)), "token");
        assertThat(second).isNotEqualTo(first);

        // Another app's key cannot spend it (and trying does not use it up).
        assertError(appClient(appWithSignIn()).post("/api/v1/auth/email/verify", Map.of("token", first)), 400, "INVALID_EMAIL_TOKEN");
        assertError(app.post("/api/v1/auth/email/verify", Map.of("token", "tg_ev_not-a-token")), 400, "INVALID_EMAIL_TOKEN");
        // Thirty minutes on, both links are dead.
        clock.advance(Duration.ofMinutes(31));
        assertError(app.post("/api/v1/auth/email/verify", Map.of("token", first)), 400, "INVALID_EMAIL_TOKEN");
        assertError(app.post("/api/v1/auth/email/verify", Map.of("token", second)), 400, "INVALID_EMAIL_TOKEN");
        String userId = tokens.get("user").get("id").asString();
        assertThat(admin.get("/api/external-apps/" + appId + "/users/" + userId).data().get("email_verified").asBoolean()).isFalse();
        assertThat(IdentityTest.invalidFields(app.post("/api/v1/auth/email/verify", Map.of()))).containsExactly("token");
    }

    @Test
    void mailIsWrittenInTheUsersLanguageAndSignedWithTheAppsSenderName() throws Exception {
        String appId = appWithSignIn();
        ok(admin.put("/api/external-apps/" + appId + "/mail-settings", Map.of("sender_name", "Sunset Studio", "reply_to", "help@sunset.example")));
        assertThat(admin.get("/api/external-apps/" + appId + "/mail-settings").data().get("effective_sender_name").asString())
                .isEqualTo("Sunset Studio");
        Api app = appClient(appId);
        String french = email();
        created(app.post("/api/v1/auth/register", Map.of("email", french, "password", PASSWORD, "locale", "fr-CA")));
        MimeMessage mail = onlyMailTo(french);
        assertThat(mail.getSubject()).isEqualTo("Confirmez votre adresse e-mail pour Sunset Studio");
        assertThat(((InternetAddress) mail.getFrom()[0]).getPersonal()).isEqualTo("Sunset Studio");
        assertThat(((InternetAddress) mail.getReplyTo()[0]).getAddress()).isEqualTo("help@sunset.example");
        assertThat(mail.getHeader("Content-Language")[0]).isEqualTo("fr-CA");
        assertThat(part(mail, "text/html")).contains("lang=\"fr\"").contains("Confirmer mon adresse e-mail");
        assertThat(part(mail, "text/plain")).contains("expire dans 30 minutes").contains("n'avez pas créé");

        String byHeader = email();
        Api.Res res = app.with("Accept-Language", "fr;q=0.9, en;q=0.8").post("/api/v1/auth/register", Map.of("email", byHeader, "password", PASSWORD));
        assertThat(created(res).get("user").get("locale").asString()).isEqualTo("fr");
        assertThat(onlyMailTo(byHeader).getSubject()).startsWith("Confirmez");

        assertThat(IdentityTest.invalidFields(app.post("/api/v1/auth/register", Map.of("email", email(), "password", PASSWORD, "locale", "not a tag"))))
                .containsExactly("locale");
        assertThat(IdentityTest.invalidFields(admin.put("/api/external-apps/" + appId + "/mail-settings",
                Map.of("sender_name", "Evil\r\nBcc: x@y.z", "reply_to", "not an address")))).containsExactly("sender_name", "reply_to");
    }

    @Test
    void withoutAVerificationPageNothingIsSentAndAskingSaysWhy() {
        String appId = createApp();
        Api app = appClient(appId);
        String email = email();
        JsonNode tokens = register(app, email);
        assertError(as(app, tokens).post("/api/v1/auth/email/verify/request", null), 409, "EMAIL_LINKS_NOT_CONFIGURED");
        assertThat(jdbc.sql("SELECT count(*) FROM mail_outbox WHERE recipient = ?").param(email).query(Long.class).single()).isZero();
        JsonNode phoneOnly = created(app.post("/api/v1/auth/register", Map.of("phone", "2547" + (10_000_000 + (long) (Math.random() * 89_999_999)),
                "password", PASSWORD)));
        assertError(as(app, phoneOnly).post("/api/v1/auth/email/verify/request", null), 409, "NO_EMAIL");
    }

    @Test
    void verificationMailsAreLimitedPerUser() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        JsonNode tokens = register(app, email());
        Api user = as(app, tokens);
        for (int i = 0; i < 5; i++) assertThat(user.post("/api/v1/auth/email/verify/request", null).status()).isEqualTo(202);
        Api.Res limited = user.post("/api/v1/auth/email/verify/request", null);
        assertError(limited, 429, "RATE_LIMITED");
        assertThat(limited.header("Retry-After")).isNotNull();
    }
}
