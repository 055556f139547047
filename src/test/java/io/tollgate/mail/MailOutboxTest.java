package io.tollgate.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.MailedApiTest;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The outbox against a real SMTP server that goes away: attempts retried with backoff, a mail that ran
 * out of attempts visible to operators with its error and sent on retry, a mail claimed by a node that
 * died sent by another, content sealed while waiting and erased once sent.
 */
class MailOutboxTest extends MailedApiTest {
    @Autowired
    Mailer mailer;
    @Autowired
    TransactionTemplate tx;

    private String queue(String to) {
        return tx.execute(s -> mailer.enqueue(new OutgoingMail(null, to, "en", MailTemplate.PASSWORD_RESET,
                Map.of("link", "https://sunset.example/reset?token=tg_pr_secret-in-a-link", "expires_minutes", 30))));
    }

    private JsonNode message(String id) {
        Api.Res res = admin.get("/api/admin/mail/outbox/" + id);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.data();
    }

    private JsonNode waitFor(String id, String status) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        JsonNode m = message(id);
        while (!status.equals(m.get("status").asString()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            m = message(id);
        }
        assertThat(m.get("status").asString()).as(m.toString()).isEqualTo(status);
        return m;
    }

    @Test
    void anUnreachableServerIsRetriedThenFailedVisiblyAndARetrySendsIt() throws Exception {
        String to = "outbox-" + System.nanoTime() + "@example.com";
        smtp.stop();
        String id;
        try {
            id = queue(to);
            // Sealed while it waits: the link's token is not readable in the table.
            String sealed = jdbc.sql("SELECT model_sealed FROM mail_outbox WHERE id = ?").param(id).query(String.class).single();
            assertThat(sealed).startsWith("tgenc:v1:").doesNotContain("secret-in-a-link");
            JsonNode failed = waitFor(id, "failed");
            assertThat(failed.get("attempts").asInt()).isEqualTo(3);
            assertThat(failed.get("last_error").asString()).isNotBlank();
            assertThat(failed.toString()).doesNotContain("secret-in-a-link");
            List<String> listed = admin.get("/api/admin/mail/outbox?status=failed&per_page=100").data().valueStream()
                    .map(m -> m.get("id").asString()).toList();
            assertThat(listed).contains(id);
            assertThat(admin.get("/api/admin/mail").data().get("counts").get("failed").asLong()).isPositive();
        } finally {
            startSmtp();
        }
        assertThat(admin.post("/api/admin/mail/outbox/" + id + "/retry", null).data().get("status").asString()).isEqualTo("pending");
        JsonNode sent = waitFor(id, "sent");
        assertThat(sent.get("sent_at").isNull()).isFalse();
        assertThat(mailsTo(to, 1)).hasSize(1);
        assertThat(jdbc.sql("SELECT model_sealed FROM mail_outbox WHERE id = ?").param(id).query(String.class).optional()).isEmpty();
        // Only failed mails can be retried.
        Api.Res again = admin.post("/api/admin/mail/outbox/" + id + "/retry", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("MAIL_NOT_FAILED");
        assertThat(admin.get("/api/admin/audit-log?per_page=100").text()).contains("mail.retried");
    }

    @Test
    void aMailClaimedByANodeThatDiedIsSentOnceItsLeaseRunsOut() throws Exception {
        String to = "lease-" + System.nanoTime() + "@example.com";
        // As a node would leave it if it stopped between claiming and sending: sending, lease running. Queued and
        // claimed in one transaction, so this node's sender never sees it pending.
        String id = tx.execute(s -> {
            String queued = queue(to);
            assertThat(jdbc.sql("UPDATE mail_outbox SET status = 'sending', locked_until = ?, attempts = 1 WHERE id = ? AND status = 'pending'")
                    .params(Timestamp.from(clock.instant().plusSeconds(3600)), queued).update()).isEqualTo(1);
            return queued;
        });
        Thread.sleep(500);
        assertThat(mailsTo(to, 0)).isEmpty();
        clock.advance(java.time.Duration.ofHours(2));
        waitFor(id, "sent");
        assertThat(mailsTo(to, 1)).hasSize(1);
    }

    @Test
    void masterKeyRotationKnowsTheSealedValuesOfMailAndSignIn() {
        String body = admin.get("/api/admin/master-keys").text();
        assertThat(body).contains("mail.outbox_models").contains("identity.oauth_client_secrets");
    }

    @Test
    void operatorsSeeTheMailStatusAndFilterTheOutbox() {
        JsonNode status = admin.get("/api/admin/mail").data();
        assertThat(status.get("enabled").asBoolean()).isTrue();
        assertThat(status.get("from_address").asString()).isEqualTo("no-reply@tollgate.test");
        assertThat(status.get("counts").has("pending")).isTrue();
        Api.Res bad = admin.get("/api/admin/mail/outbox?status=lost");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(admin.get("/api/admin/mail/outbox/msg_nope").status()).isEqualTo(404);
    }
}
