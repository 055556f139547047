package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.operators.OperatorRole;
import io.tollgate.platform.SecretBox;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The console's sign-in tab of an app and its mail page, over plain HTTP with cookies and CSRF. */
class ConsoleSignInSettingsTest extends ConsoleApiTest {
    @Autowired
    SecretBox box;

    @Test
    void anAdminConfiguresGoogleAndTheSecretIsNeverShown() {
        String appId = createApp();
        String page = "/console/apps/" + appId + "/sign-in";
        assertThat(console.get(page).body()).contains("Sign-in providers").contains("Not configured.");
        String secret = "console-secret-" + System.nanoTime();
        ConsoleClient.Page saved = console.submit(page, page + "/providers/google", Map.of("client_id", "console.apps.example",
                "client_secret", secret, "issuer", "", "enabled", "true"));
        assertThat(saved.status()).isEqualTo(302);
        String after = console.get(page).body();
        assertThat(after).contains("Saved the google sign-in.").contains("console.apps.example").contains("/api/v1/auth/oauth/google/callback")
                .doesNotContain(secret);
        assertThat(admin.get("/api/external-apps/" + appId + "/oauth-providers").text()).contains("https://accounts.google.com");

        ConsoleClient.Page refused = console.submit(page, page + "/providers/github", Map.of("client_id", "gh", "client_secret", secret,
                "base_url", "http://github.example"));
        assertThat(refused.status()).isEqualTo(302);
        String shown = console.get(page).body();
        assertThat(shown).contains("Not saved").contains("github-base-error").doesNotContain(secret);

        assertThat(console.submit(page, page + "/providers/google/delete", Map.of()).status()).isEqualTo(302);
        assertThat(console.get(page).body()).contains("Removed the google sign-in.");
        assertThat(admin.get("/api/external-apps/" + appId + "/oauth-providers").data()).isEmpty();
    }

    @Test
    void redirectUrisAreCheckedAndKeptOneALine() {
        String appId = createApp();
        String page = "/console/apps/" + appId + "/sign-in";
        console.submit(page, page + "/settings", Map.of("redirect_uris", "https://app.example/cb\r\ncom.example.app:/oauth\r\n",
                "email_verification_url", "https://app.example/verify", "password_reset_url", ""));
        assertThat(admin.get("/api/external-apps/" + appId + "/auth-settings").data().get("redirect_uris")).hasSize(2);
        console.submit(page, page + "/settings", Map.of("redirect_uris", "javascript:alert(1)", "email_verification_url", "", "password_reset_url", ""));
        assertThat(console.get(page).body()).contains("redirect_uris[0]").contains("reverse domain");
        assertThat(admin.get("/api/external-apps/" + appId + "/auth-settings").data().get("redirect_uris")).hasSize(2);
        console.submit(page, page + "/mail", Map.of("sender_name", "Sunset Studio", "reply_to", ""));
        assertThat(admin.get("/api/external-apps/" + appId + "/mail-settings").data().get("sender_name").asString()).isEqualTo("Sunset Studio");
    }

    @Test
    void viewersLookButDoNotChange() {
        String appId = createApp();
        ConsoleClient viewer = ConsoleClient.signedIn(port, accounts, OperatorRole.VIEWER);
        String page = "/console/apps/" + appId + "/sign-in";
        assertThat(viewer.get(page).status()).isEqualTo(200);
        assertThat(viewer.submit(page, page + "/providers/google", Map.of("client_id", "x", "client_secret", "y")).status()).isEqualTo(403);
        assertThat(admin.get("/api/external-apps/" + appId + "/oauth-providers").data()).isEmpty();
    }

    @Test
    void theMailPageShowsFailedMailWithItsErrorAndRetriesIt() {
        String id = io.tollgate.platform.Ids.next("msg");
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("""
                INSERT INTO mail_outbox (id, template, recipient, model_sealed, status, attempts, next_attempt_at, last_error, created_at, updated_at)
                VALUES (?, 'welcome', 'failed@example.com', ?, 'failed', 8, ?, '550 5.1.1 mailbox unavailable', ?, ?)""")
                .params(id, box.seal("{}", "mail_outbox:" + id + ":model_sealed"), now, now, now).update();
        String body = console.get("/console/mail?status=failed").body();
        assertThat(body).contains("Mail is off").contains("mail-" + id).contains("failed@example.com").contains("550 5.1.1 mailbox unavailable").contains("Retry");
        assertThat(console.submit("/console/mail", "/console/mail/" + id + "/retry", Map.of()).status()).isEqualTo(302);
        assertThat(admin.get("/api/admin/mail/outbox/" + id).data().get("status").asString()).isEqualTo("pending");
    }
}
