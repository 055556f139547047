package io.tollgate.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.MailedApiTest;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Receipts and subscription confirmations reach end users with a verified address, and only them. */
class PaymentMailsTest extends MailedApiTest {
    static final String PASSWORD = "correct horse battery";
    @Autowired
    EndUserNotifications notifications;

    private Api testKeyClient(String appId) {
        return appClient(appId, createKey(appId, Map.of("environment", "test", "rate_limit", 100_000)).get("key").asString());
    }

    private String appWithVerificationPage() {
        String appId = createApp();
        Api.Res res = admin.put("/api/external-apps/" + appId + "/auth-settings", Map.of("email_verification_url", "https://shop.example/verify"));
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return appId;
    }

    /** A registered user whose address is proven by following the mailed link; its access token. */
    private JsonNode verifiedUser(Api app, String email, String locale) {
        JsonNode tokens = app.post("/api/v1/auth/register", Map.of("email", email, "password", PASSWORD, "locale", locale)).data();
        URI link = firstLink(mailsTo(email, 1).get(0));
        assertThat(app.post("/api/v1/auth/email/verify", Map.of("token", parameter(link, "token"))).status()).isEqualTo(200);
        mailsTo(email, 2); // the welcome
        return tokens;
    }

    @Test
    void aCreditPurchaseSendsAReceiptInTheUsersLanguage() throws Exception {
        String appId = appWithVerificationPage();
        Api app = testKeyClient(appId);
        String email = "buyer-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        JsonNode tokens = verifiedUser(app, email, "fr");
        Api.Res bought = app.with("X-User-Token", tokens.get("access_token").asString())
                .post("/api/v1/credits/purchase", Map.of("amount", 50, "payment_method", "sandbox", "currency", "THB"));
        assertThat(bought.status()).as(bought.toString()).isEqualTo(201);
        MimeMessage receipt = mailsTo(email, 3).get(2);
        assertThat(receipt.getSubject()).isEqualTo("Votre reçu App");
        String text = part(receipt, "text/plain");
        assertThat(text).contains("50 crédits").contains(bought.data().get("id").asString()).contains("175,00");
    }

    @Test
    void noMailGoesToAnAddressNobodyProved() {
        String appId = appWithVerificationPage();
        Api app = testKeyClient(appId);
        String email = "unproven-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        JsonNode tokens = app.post("/api/v1/auth/register", Map.of("email", email, "password", PASSWORD)).data();
        Api.Res bought = app.with("X-User-Token", tokens.get("access_token").asString())
                .post("/api/v1/credits/purchase", Map.of("amount", 10, "payment_method", "sandbox"));
        assertThat(bought.status()).as(bought.toString()).isEqualTo(201);
        assertThat(jdbc.sql("SELECT template FROM mail_outbox WHERE recipient = ?").param(email).query(String.class).list())
                .containsExactly("email-verification");
        assertThat(notifications.creditsLow(tokens.get("user").get("id").asString(), 3)).isFalse();
    }

    @Test
    void aNewSubscriptionIsConfirmedAndReceipted() throws Exception {
        String appId = appWithVerificationPage();
        Api app = testKeyClient(appId);
        String email = "subscriber-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        JsonNode tokens = verifiedUser(app, email, "en");
        Api.Res subscribed = app.with("X-User-Token", tokens.get("access_token").asString())
                .post("/api/v1/subscriptions", Map.of("plan_id", "pro", "payment_method", "sandbox"));
        assertThat(subscribed.status()).as(subscribed.toString()).isIn(200, 201);
        List<MimeMessage> mails = mailsTo(email, 4);
        assertThat(mails).hasSize(4);
        List<String> subjects = mails.subList(2, 4).stream().map(m -> {
            try {
                return m.getSubject();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(subjects).containsExactlyInAnyOrder("Subscription confirmed", "Your App receipt");
        MimeMessage confirmation = mails.stream().filter(m -> {
            try {
                return m.getSubject().equals("Subscription confirmed");
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElseThrow();
        assertThat(part(confirmation, "text/plain")).contains("subscription to App is confirmed").contains("Renews on");
    }

    /** Spending across the threshold (tollgate.mail.credits-low-threshold, 10) mails once; spending further below does not. */
    @Test
    void theCreditsLowMailGoesToAVerifiedUserOncePerCrossing() throws Exception {
        String appId = appWithVerificationPage();
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "chat", "pricing_type", "credit", "credit_cost", 5));
        Api app = testKeyClient(appId);
        String email = "low-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        JsonNode tokens = verifiedUser(app, email, "en");
        Api user = app.with("X-User-Token", tokens.get("access_token").asString());
        JsonNode balance = user.get("/api/v1/credits/balance").data();
        long start = balance.get("balance").asLong();
        admin.post("/api/admin/wallets/" + balance.get("wallet_id").asString() + "/grants", Map.of("amount", 23 - start, "reason", "promo"));
        for (int i = 0; i < 4; i++) { // 23 → 18 → 13 → 8 (crosses 10) → 3
            Api.Res spent = user.post("/api/v1/test-meter/chat", null);
            assertThat(spent.status()).as(spent.toString()).isEqualTo(200);
        }
        assertThat(part(mailsTo(email, 3).get(2), "text/plain")).contains("down to 8 credits");
        Thread.sleep(500);
        assertThat(jdbc.sql("SELECT count(*) FROM mail_outbox WHERE recipient = ? AND template = 'credits-low'").param(email)
                .query(Long.class).single()).isEqualTo(1);
    }
}
