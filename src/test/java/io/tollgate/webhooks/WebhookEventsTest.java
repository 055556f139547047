package io.tollgate.webhooks;

import static io.tollgate.webhooks.WebhookChecks.checked;
import static io.tollgate.webhooks.WebhookChecks.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ClockedApiTest;
import io.tollgate.ledger.LotExpiry;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Every event type, produced by the real action that causes it (subscription renewals and past-due in
 * billing's SubscriptionWebhookEventsTest, endpoint disabling in WebhookDeliveryTest and
 * WebhookRetriesTest, inbound.received in InboundWebhooksTest), delivered signed and shaped as the
 * catalog documents it.
 */
class WebhookEventsTest extends ClockedApiTest {
    @Autowired
    LotExpiry lotExpiry;
    private Receiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private Api testKeyClient(String appId) {
        return appClient(appId, createKey(appId, Map.of("rate_limit", 100_000, "environment", "test")).get("key").asString());
    }

    @Test
    void aPurchaseSendsPaymentSucceededCreditsPurchasedAndTheNewEndUser() throws Exception {
        String appId = createApp();
        String org = organizationOf(appId);
        var sub = subscribe(admin, org, receiver, List.of("payment.*", "credits.purchased", "end_user.created"));
        String externalId = "buyer-" + UUID.randomUUID();
        Api user = testKeyClient(appId).with("X-External-User-Id", externalId);
        Api.Res bought = user.post("/api/v1/credits/purchase", Map.of("amount", 50, "payment_method", "sandbox"));
        assertThat(bought.status()).as(bought.toString()).isEqualTo(201);
        String paymentId = bought.data().get("id").asString();

        JsonNode paid = checked(receiver.awaitType("payment.succeeded"), sub.secret()).data();
        assertThat(paid.get("id").asString()).isEqualTo(paymentId);
        assertThat(paid.get("status").asString()).isEqualTo("succeeded");
        assertThat(paid.get("credits").asLong()).isEqualTo(50);
        assertThat(paid.get("payer_type").asString()).isEqualTo("end_user");
        JsonNode credits = checked(receiver.awaitType("credits.purchased"), sub.secret()).data();
        assertThat(credits.get("payment_id").asString()).isEqualTo(paymentId);
        assertThat(credits.get("credits").asLong()).isEqualTo(50);
        assertThat(credits.get("owner_type").asString()).isEqualTo("end_user");
        JsonNode created = checked(receiver.awaitType("end_user.created"), sub.secret()).data();
        assertThat(created.get("kind").asString()).isEqualTo("external");
        assertThat(created.get("external_user_id").asString()).isEqualTo(externalId);
        assertThat(created.get("id").asString()).isEqualTo(paid.get("payer_id").asString());
    }

    @Test
    void aDeclinedPaymentSendsPaymentFailed() throws Exception {
        String appId = createApp();
        var sub = subscribe(admin, organizationOf(appId), receiver, List.of("payment.failed"));
        Api.Res declined = testKeyClient(appId).post("/api/v1/credits/purchase", Map.of("amount", 20, "payment_method", "sandbox",
                "sandbox_outcome", "fail"));
        JsonNode failed = checked(receiver.awaitType("payment.failed"), sub.secret()).data();
        assertThat(failed.get("id").asString()).isEqualTo(declined.data().get("id").asString());
        assertThat(failed.get("failure_code").asString()).isEqualTo("card_declined");
        assertThat(receiver.ofType("payment.succeeded")).isEmpty();
    }

    @Test
    void aRefundSendsPaymentRefunded() throws Exception {
        String appId = createApp();
        var sub = subscribe(admin, organizationOf(appId), receiver, List.of("payment.refunded"));
        String paid = testKeyClient(appId).post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "sandbox"))
                .data().get("id").asString();
        Api.Res refund = admin.post("/api/admin/payments/" + paid + "/refund", Map.of("amount_minor", 300));
        assertThat(refund.status()).as(refund.toString()).isEqualTo(200);
        JsonNode refunded = checked(receiver.awaitType("payment.refunded"), sub.secret()).data();
        assertThat(refunded.get("id").asString()).isEqualTo(paid);
        assertThat(refunded.get("refunded_now_minor").asLong()).isEqualTo(300);
        assertThat(refunded.get("status").asString()).isEqualTo("partially_refunded");
    }

    @Test
    void anOperatorsGrantSendsCreditsGrantedAndExpirySendsCreditsExpired() throws Exception {
        String org = createOrganization();
        var sub = subscribe(admin, org, receiver, List.of("credits.*"));
        String wallet = fundOrganization(org, 0);
        String expires = clock.instant().plus(Duration.ofHours(1)).toString();
        Api.Res grant = admin.post("/api/admin/wallets/" + wallet + "/grants", Map.of("amount", 70, "reason", "Launch promotion", "expires_at", expires));
        assertThat(grant.status()).as(grant.toString()).isEqualTo(201);
        JsonNode granted = checked(receiver.awaitType("credits.granted"), sub.secret()).data();
        assertThat(granted.get("wallet_id").asString()).isEqualTo(wallet);
        assertThat(granted.get("owner_type").asString()).isEqualTo("organization");
        assertThat(granted.get("owner_id").asString()).isEqualTo(org);
        assertThat(granted.get("credits").asLong()).isEqualTo(70);
        assertThat(granted.get("reason").asString()).isEqualTo("Launch promotion");

        clock.advance(Duration.ofHours(2));
        lotExpiry.expireLots(1_000);
        JsonNode expired = checked(receiver.await(r -> r.type().equals("credits.expired") && r.data().get("wallet_id").asString().equals(wallet)),
                sub.secret()).data();
        assertThat(expired.get("credits").asLong()).isEqualTo(70);
        assertThat(expired.get("balance").asLong()).isZero();
    }

    /** credits.low once when the balance crosses the threshold, not at every call below it; none without a threshold. */
    @Test
    void creditsLowIsSentOncePerCrossingOfTheThreshold() throws Exception {
        String appId = createApp();
        String org = organizationOf(appId);
        var sub = subscribe(admin, org, receiver, List.of("credits.low", "credits.granted"));
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "render", "pricing_type", "credit", "credit_cost", 20));
        String wallet = fundOrganization(org, 60);
        Api app = testKeyClient(appId);
        assertThat(app.post("/api/v1/test-meter/render", null).status()).isEqualTo(200); // 60 → 40: no threshold yet
        assertThat(admin.put("/api/admin/organizations/" + org + "/webhook-settings", Map.of("credits_low_threshold", 30)).status()).isEqualTo(200);
        assertThat(app.post("/api/v1/test-meter/render", null).status()).isEqualTo(200); // 40 → 20: crosses 30
        assertThat(app.post("/api/v1/test-meter/render", null).status()).isEqualTo(200); // 20 → 0: already below
        JsonNode low = checked(receiver.awaitType("credits.low"), sub.secret()).data();
        assertThat(low.get("wallet_id").asString()).isEqualTo(wallet);
        assertThat(low.get("balance").asLong()).isEqualTo(20);
        assertThat(low.get("threshold").asLong()).isEqualTo(30);
        // A grant lifts it above again; the next crossing is told again.
        admin.post("/api/admin/wallets/" + wallet + "/grants", Map.of("amount", 40, "reason", "top-up"));
        receiver.awaitType("credits.granted");
        assertThat(app.post("/api/v1/test-meter/render", null).status()).isEqualTo(200); // 40 → 20
        receiver.await(r -> r.type().equals("credits.low") && receiver.ofType("credits.low").size() == 2);
        Thread.sleep(500);
        assertThat(receiver.ofType("credits.low")).hasSize(2);
    }

    @Test
    void subscribingAndCancelingSendSubscriptionCreatedAndCanceled() throws Exception {
        String appId = createApp();
        var sub = subscribe(admin, organizationOf(appId), receiver, List.of("subscription.*"));
        Api user = testKeyClient(appId).with("X-External-User-Id", "subscriber-" + UUID.randomUUID());
        Api.Res subscribed = user.post("/api/v1/subscriptions", Map.of("plan_id", "pro", "payment_method", "sandbox"));
        assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(201);
        String id = subscribed.data().get("id").asString();
        JsonNode created = checked(receiver.awaitType("subscription.created"), sub.secret()).data();
        assertThat(created.get("id").asString()).isEqualTo(id);
        assertThat(created.get("plan_id").asString()).isEqualTo("pro");
        Api.Res canceled = user.delete("/api/v1/subscriptions/" + id);
        assertThat(canceled.status()).as(canceled.toString()).isEqualTo(200);
        JsonNode ended = checked(receiver.awaitType("subscription.canceled"), sub.secret()).data();
        assertThat(ended.get("id").asString()).isEqualTo(id);
        assertThat(ended.get("status").asString()).isEqualTo("canceled");
        // Paying the first period activates it: not a renewal.
        assertThat(receiver.ofType("subscription.renewed")).isEmpty();
    }

    @Test
    void issuingAndPayingAnInvoiceSendInvoiceFinalizedAndPaid() throws Exception {
        String appId = createApp();
        String org = organizationOf(appId);
        var sub = subscribe(admin, org, receiver, List.of("invoice.*"));
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "translate", "pricing_type", "per_request",
                "price_per_request_minor", 150, "currency", "USD"));
        Api app = testKeyClient(appId);
        for (int i = 0; i < 2; i++) assertThat(app.post("/api/v1/test-meter/translate", null).status()).isEqualTo(200);
        YearMonth month = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
        clock.advance(Duration.between(clock.instant(), month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(60)));
        Api.Res issued = admin.post("/api/admin/invoices/generate", Map.of("period", month.toString(), "organization_id", org, "issue", true));
        assertThat(issued.status()).as(issued.toString()).isIn(200, 201);
        JsonNode finalized = checked(receiver.awaitType("invoice.finalized"), sub.secret()).data();
        assertThat(finalized.get("status").asString()).isEqualTo("open");
        assertThat(finalized.get("amount_due_minor").asLong()).isEqualTo(300);
        String invoiceId = finalized.get("id").asString();
        Api.Res pay = app.post("/api/v1/customer/billing/invoices/" + invoiceId + "/pay", Map.of("payment_method", "sandbox"));
        assertThat(pay.status()).as(pay.toString()).isEqualTo(201);
        JsonNode paid = checked(receiver.awaitType("invoice.paid"), sub.secret()).data();
        assertThat(paid.get("id").asString()).isEqualTo(invoiceId);
        assertThat(paid.get("payment_id").isNull()).isFalse();
    }

    @Test
    void keysSendApiKeyCreatedRotatedAndRevoked() throws Exception {
        String appId = createApp();
        var sub = subscribe(admin, organizationOf(appId), receiver, List.of("api_key.*"));
        JsonNode key = createKey(appId, Map.of("name", "backend"));
        String keyId = key.get("id").asString();
        JsonNode created = checked(receiver.awaitType("api_key.created"), sub.secret()).data();
        assertThat(created.get("id").asString()).isEqualTo(keyId);
        assertThat(receiver.requests().get(0).body()).doesNotContain(key.get("key").asString());
        JsonNode rotation = admin.post("/api/external-apps/" + appId + "/api-keys/" + keyId + "/rotate", Map.of("overlap_seconds", 60)).data();
        JsonNode rotated = checked(receiver.awaitType("api_key.rotated"), sub.secret()).data();
        assertThat(rotated.get("id").asString()).isEqualTo(keyId);
        assertThat(rotated.get("replaced_by").asString()).isEqualTo(rotation.get("new_key").get("id").asString());
        admin.delete("/api/external-apps/" + appId + "/api-keys/" + keyId);
        JsonNode revoked = checked(receiver.awaitType("api_key.revoked"), sub.secret()).data();
        assertThat(revoked.get("status").asString()).isEqualTo("revoked");
        // Deleting the app revokes its other keys: each is told.
        admin.delete("/api/external-apps/" + appId);
        String successor = rotation.get("new_key").get("id").asString();
        receiver.await(r -> r.type().equals("api_key.revoked") && r.data().get("id").asString().equals(successor));
    }

    @Test
    void activatingAndDeactivatingACatalogAppSendAppActivatedAndDeactivated() throws Exception {
        String appId = createApp();
        var sub = subscribe(admin, organizationOf(appId), receiver, List.of("app.*"));
        String catalogId = "whk-" + UUID.randomUUID().toString().substring(0, 8);
        activateCatalogApp(appId, catalogId);
        JsonNode activated = checked(receiver.awaitType("app.activated"), sub.secret()).data();
        assertThat(activated.get("catalog_app_id").asString()).isEqualTo(catalogId);
        assertThat(activated.get("status").asString()).isEqualTo("active");
        assertThat(activated.get("id").asString()).isNotBlank();
        Api.Res off = appClient(appId).post("/api/v1/customer/apps/" + catalogId + "/deactivate", Map.of());
        assertThat(off.status()).as(off.toString()).isEqualTo(200);
        JsonNode deactivated = checked(receiver.awaitType("app.deactivated"), sub.secret()).data();
        assertThat(deactivated.get("id").asString()).isEqualTo(activated.get("id").asString());
        assertThat(deactivated.get("status").asString()).isEqualTo("inactive");
    }

    /** The free plan caps image generation at 3 a day (seed 004): one event when the cap is reached, not one per refused call. */
    @Test
    void theDailyCapSendsUsageDailyLimitReachedOnce() throws Exception {
        String appId = createApp();
        var sub = subscribe(admin, organizationOf(appId), receiver, List.of("usage.*"));
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "image_generation", "pricing_type", "credit", "credit_cost", 1));
        Api user = testKeyClient(appId).with("X-External-User-Id", "painter-" + UUID.randomUUID());
        user.post("/api/v1/credits/purchase", Map.of("amount", 50, "payment_method", "sandbox"));
        for (int i = 0; i < 3; i++) assertThat(user.post("/api/v1/test-meter/image_generation", null).status()).isEqualTo(200);
        for (int i = 0; i < 3; i++) assertThat(user.post("/api/v1/test-meter/image_generation", null).errorCode()).isEqualTo("DAILY_LIMIT_REACHED");
        JsonNode reached = checked(receiver.awaitType("usage.daily_limit_reached"), sub.secret()).data();
        assertThat(reached.get("feature").asString()).isEqualTo("image_generation");
        assertThat(reached.get("allowance").asString()).isEqualTo("daily");
        assertThat(reached.get("limit").asLong()).isEqualTo(3);
        assertThat(reached.get("payer_type").asString()).isEqualTo("end_user");
        Thread.sleep(500);
        assertThat(receiver.ofType("usage.daily_limit_reached")).hasSize(1);
    }

    @Test
    void aUsedUpFreeAllowanceSendsUsageQuotaExceededOnce() throws Exception {
        String appId = createApp();
        String org = organizationOf(appId);
        var sub = subscribe(admin, org, receiver, List.of("usage.quota_exceeded"));
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "lookup", "pricing_type", "free", "free_tier_limit", 2,
                "free_tier_period", "day"));
        Api app = testKeyClient(appId);
        for (int i = 0; i < 2; i++) assertThat(app.post("/api/v1/test-meter/lookup", null).status()).isEqualTo(200);
        for (int i = 0; i < 3; i++) assertThat(app.post("/api/v1/test-meter/lookup", null).errorCode()).isEqualTo("QUOTA_EXCEEDED");
        JsonNode exceeded = checked(receiver.awaitType("usage.quota_exceeded"), sub.secret()).data();
        assertThat(exceeded.get("allowance").asString()).isEqualTo("free_tier");
        assertThat(exceeded.get("payer_type").asString()).isEqualTo("organization");
        assertThat(exceeded.get("payer_id").asString()).isEqualTo(org);
        assertThat(exceeded.get("limit").asLong()).isEqualTo(2);
        Thread.sleep(500);
        assertThat(receiver.ofType("usage.quota_exceeded")).hasSize(1);
    }

    @Test
    void mediaJobsSendJobCompletedAndJobFailed() throws Exception {
        try (Receiver failingUpstream = new Receiver()) {
            failingUpstream.answer(500);
            String appId = createApp();
            String org = organizationOf(appId);
            var sub = subscribe(admin, org, receiver, List.of("job.*"));
            fundOrganization(org, 100);
            admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "image_generation", "pricing_type", "credit", "credit_cost", 5));
            Api app = testKeyClient(appId);
            Api.Res job = app.post("/api/v1/media/generate/image", Map.of("prompt", "A lighthouse at dusk"));
            assertThat(job.status()).as(job.toString()).isEqualTo(202);
            JsonNode done = checked(receiver.awaitType("job.completed"), sub.secret()).data();
            assertThat(done.get("id").asString()).isEqualTo(job.data().get("job_id").asString());
            assertThat(done.get("credits_captured").asLong()).isEqualTo(5);
            assertThat(done.get("content_type").asString()).startsWith("image/");

            admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "video_generation", "pricing_type", "credit",
                    "credit_cost", 5, "backend", "upstream", "upstream_url", failingUpstream.url(), "timeout_seconds", 30));
            Api.Res failing = app.post("/api/v1/media/generate/video", Map.of("prompt", "A storm"));
            assertThat(failing.status()).as(failing.toString()).isEqualTo(202);
            JsonNode failed = checked(receiver.awaitType("job.failed"), sub.secret()).data();
            assertThat(failed.get("id").asString()).isEqualTo(failing.data().get("job_id").asString());
            assertThat(failed.get("status").asString()).isEqualTo("failed");
            assertThat(failed.get("credits_captured").asLong()).isZero();
        }
    }
}
