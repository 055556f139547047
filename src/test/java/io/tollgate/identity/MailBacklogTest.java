package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.MailedApiTest;
import io.tollgate.mail.internal.OutboxStore;
import io.tollgate.notifications.EndUserNotifications;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A full outbox (TOLLGATE_MAIL_MAX_PENDING unsent mails) never blocks what mail is a side effect of —
 * sign-up, a verified address's welcome, a social sign-in, a notification — it drops those mails where
 * operators count them; mails a user explicitly asks for answer 503 MAIL_BACKLOG with Retry-After, and
 * /password/forgot answers the same for every email. Once the outbox drains the user asks again.
 */
class MailBacklogTest extends SignInTest {
    private static final String FILLER = "@backlog-filler.test";
    @Autowired
    EndUserNotifications notifications;
    @Autowired
    OutboxStore outbox;

    /** MAX_PENDING mails that wait a century, and a wait until the outbox's count (refreshed every second) sees them. */
    private void fillOutbox() throws InterruptedException {
        jdbc.sql("""
                INSERT INTO mail_outbox (id, template, recipient, status, next_attempt_at, created_at, updated_at)
                SELECT 'msg_filler_' || g || '_' || ?, 'welcome', 'f' || g || ?, 'pending', now() + interval '100 years', now(), now()
                FROM generate_series(1, ?) g""").params(UUID.randomUUID().toString(), FILLER, MailedApiTest.MAX_PENDING).update();
        awaitFull(true);
    }

    private void drainOutbox() throws InterruptedException {
        jdbc.sql("DELETE FROM mail_outbox WHERE recipient LIKE ?").param("%" + FILLER).update();
        awaitFull(false);
    }

    private void awaitFull(boolean full) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (outbox.full() != full && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertThat(outbox.full()).as("outbox full").isEqualTo(full);
    }

    private long queuedFor(String email) {
        return jdbc.sql("SELECT count(*) FROM mail_outbox WHERE recipient = ?").param(email).query(Long.class).single();
    }

    private double droppedMetric(String template) {
        String scrape = admin.get("/actuator/prometheus").text();
        Matcher m = Pattern.compile("(?m)^tollgate_mail_dropped_total\\{[^}]*template=\"" + template + "\"[^}]*} ([0-9.E+-]+)$").matcher(scrape);
        assertThat(m.find()).as("tollgate_mail_dropped_total for " + template).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private long droppedInStatus() {
        return admin.get("/api/admin/mail").data().get("dropped_since_start").asLong();
    }

    @Test
    void aFullOutboxDropsSideEffectMailsButNeverTheActionAndExplicitRequestsSayBacklog() throws Exception {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        // Before the backlog: an account with a verification link in hand, and one with a proven address.
        String pending = email();
        register(app, pending);
        URI link = firstLink(onlyMailTo(pending));
        String proven = email();
        JsonNode provenTokens = register(app, proven);
        verifyByMail(app, proven, 1);
        mailsTo(proven, 2);
        double verificationsBefore = droppedMetric("email-verification");
        double welcomesBefore = droppedMetric("welcome");
        double creditsLowBefore = droppedMetric("credits-low");
        long statusBefore = droppedInStatus();

        fillOutbox();
        try {
            // Sign-up goes on; its verification mail is dropped and counted.
            String late = email();
            JsonNode signedUp = register(app, late);
            assertThat(signedUp.get("user").get("email").asString()).isEqualTo(late);
            assertThat(queuedFor(late)).isZero();
            assertThat(droppedMetric("email-verification")).isEqualTo(verificationsBefore + 1);

            // Following a link proves the address; the welcome is dropped.
            JsonNode verified = ok(app.post("/api/v1/auth/email/verify", Map.of("token", parameter(link, "token"))));
            assertThat(verified.get("user").get("email_verified").asBoolean()).isTrue();
            // A social sign-in opens an account with a provider-verified address; its welcome is dropped too.
            googleUser("backlog-" + UUID.randomUUID(), email(), true);
            assertThat(signInWith(app, "google").get("user").get("email_verified").asBoolean()).isTrue();
            assertThat(droppedMetric("welcome")).isEqualTo(welcomesBefore + 2);
            assertThat(queuedFor(pending)).isEqualTo(1);

            // A notification caused elsewhere (here: credits low) is dropped without failing its caller.
            assertThat(notifications.creditsLow(provenTokens.get("user").get("id").asString(), 3)).isFalse();
            assertThat(droppedMetric("credits-low")).isEqualTo(creditsLowBefore + 1);
            assertThat(droppedInStatus()).isEqualTo(statusBefore + 4);

            // Explicit requests say so, with Retry-After.
            Api.Res again = as(app, signedUp).post("/api/v1/auth/email/verify/request", null);
            assertError(again, 503, "MAIL_BACKLOG");
            assertThat(again.header("Retry-After")).isEqualTo("60");
            // The same answer whether or not an account has the address.
            Api.Res known = app.post("/api/v1/auth/password/forgot", Map.of("email", proven));
            Api.Res unknown = app.post("/api/v1/auth/password/forgot", Map.of("email", email()));
            assertError(known, 503, "MAIL_BACKLOG");
            assertThat(unknown.status()).isEqualTo(known.status());
            assertThat(unknown.json().get("error")).isEqualTo(known.json().get("error"));
            assertThat(unknown.header("Retry-After")).isEqualTo(known.header("Retry-After")).isEqualTo("60");
            assertThat(queuedFor(proven)).isEqualTo(2);

            drainOutbox();
            // The user whose sign-up mail was dropped asks again, and the refused request did not spend an hourly allowance.
            assertThat(as(app, signedUp).post("/api/v1/auth/email/verify/request", null).status()).isEqualTo(202);
            assertThat(verifyByMail(app, late, 1).get("email_verified").asBoolean()).isTrue();
        } finally {
            drainOutbox();
        }
    }
}
