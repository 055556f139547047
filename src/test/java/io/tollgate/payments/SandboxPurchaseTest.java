package io.tollgate.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Sandbox end to end: purchase → credits → metered calls → balance; pending, failing, refunds, replays. */
class SandboxPurchaseTest extends ApiTest {

    private Api app(String appId) {
        return appClient(appId, createKey(appId, Map.of("rate_limit", 100_000, "environment", "test")).get("key").asString());
    }

    @Test
    void purchaseThenSpendThenBalance() {
        String appId = createApp();
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "image_generation", "pricing_type", "credit", "credit_cost", 10));
        Api user = app(appId).with("X-External-User-Id", "buyer-" + UUID.randomUUID());
        long start = user.get("/api/v1/credits/balance").data().get("balance").asLong(); // the free plan's starting credits

        Api.Res bought = user.post("/api/v1/credits/purchase", Map.of("amount", 50, "payment_method", "sandbox", "currency", "THB"));
        assertThat(bought.status()).as(bought.toString()).isEqualTo(201);
        JsonNode payment = bought.data();
        assertThat(payment.get("status").asString()).isEqualTo("succeeded");
        assertThat(payment.get("amount_minor").asLong()).isEqualTo(50 * 350);
        assertThat(payment.get("currency").asString()).isEqualTo("THB");
        assertThat(user.get("/api/v1/credits/balance").data().get("balance").asLong()).isEqualTo(start + 50);

        // The free tier allows 3 paid calls a day (seed 004), whatever the balance.
        for (int i = 0; i < 3; i++) assertThat(user.post("/api/v1/test-meter/image_generation", null).status()).isEqualTo(200);
        assertThat(user.post("/api/v1/test-meter/image_generation", null).errorCode()).isEqualTo("DAILY_LIMIT_REACHED");
        assertThat(user.get("/api/v1/credits/balance").data().get("balance").asLong()).isEqualTo(start + 50 - 30);
        assertThat(user.get("/api/v1/payments/status/" + payment.get("id").asString()).data().get("status").asString()).isEqualTo("succeeded");
        assertLedgerConsistent();
    }

    @Test
    void pendingPaymentsGrantNothingUntilConfirmedAndFailuresNever() {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), 0);
        Api app = app(appId);
        String pending = app.post("/api/v1/credits/purchase", Map.of("amount", 20, "payment_method", "sandbox", "sandbox_outcome", "pending"))
                .data().get("id").asString();
        assertThat(app.get("/api/v1/payments/status/" + pending).data().get("status").asString()).isEqualTo("pending");
        assertThat(balance(wallet)).isZero();
        assertThat(admin.post("/api/admin/payments/" + pending + "/sandbox-outcome", Map.of("outcome", "succeed")).data()
                .get("status").asString()).isEqualTo("succeeded");
        assertThat(balance(wallet)).isEqualTo(20);
        // A second confirmation changes nothing.
        admin.post("/api/admin/payments/" + pending + "/sandbox-outcome", Map.of("outcome", "succeed"));
        assertThat(balance(wallet)).isEqualTo(20);

        JsonNode failed = app.post("/api/v1/credits/purchase", Map.of("amount", 20, "payment_method", "sandbox", "sandbox_outcome", "fail")).data();
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("failure_code").asString()).isEqualTo("card_declined");
        assertThat(balance(wallet)).isEqualTo(20);
        assertLedgerConsistent();
    }

    @Test
    void refundsTakeBackUnspentCreditsAndRecordTheRestAsDebt() {
        String appId = createApp();
        String org = organizationOf(appId);
        String wallet = fundOrganization(org, 0);
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "job", "pricing_type", "credit", "credit_cost", 30));
        Api app = app(appId);
        String paid = app.post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "sandbox")).data().get("id").asString();
        assertThat(app.post("/api/v1/test-meter/job", null).status()).isEqualTo(200);
        assertThat(app.post("/api/v1/test-meter/job", null).status()).isEqualTo(200);
        assertThat(balance(wallet)).isEqualTo(40);

        Api.Res half = admin.post("/api/admin/payments/" + paid + "/refund", Map.of("amount_minor", 500)); // half of 100 credits × $0.10
        assertThat(half.data().get("status").asString()).isEqualTo("partially_refunded");
        assertThat(balance(wallet)).isZero(); // 50 credits due back, 40 left to take, 10 owed
        Api.Res rest = admin.post("/api/admin/payments/" + paid + "/refund", null);
        assertThat(rest.data().get("status").asString()).isEqualTo("refunded");
        assertThat(balance(wallet)).isZero();
        assertThat(jdbc.sql("SELECT coalesce(sum(amount - repaid), 0) FROM ledger_debts WHERE account_id = ?").param(wallet)
                .query(Long.class).single()).isEqualTo(60);

        // The next purchase repays the debt first.
        app.post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "sandbox"));
        assertThat(balance(wallet)).isEqualTo(40);
        assertThat(admin.post("/api/admin/payments/" + paid + "/refund", null).status()).isEqualTo(409);
        assertLedgerConsistent();
    }

    @Test
    void purchasesAreIdempotentAndValidated() {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), 0);
        Api app = app(appId).with("Idempotency-Key", "buy-1");
        Api.Res first = app.post("/api/v1/credits/purchase", Map.of("amount", 10, "payment_method", "sandbox"));
        Api.Res again = app.post("/api/v1/credits/purchase", Map.of("amount", 10, "payment_method", "sandbox"));
        assertThat(again.text()).isEqualTo(first.text());
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(balance(wallet)).isEqualTo(10);
        assertThat(app.post("/api/v1/credits/purchase", Map.of("amount", 11, "payment_method", "sandbox")).status()).isEqualTo(422);

        Api plain = app(appId);
        assertThat(plain.post("/api/v1/credits/purchase", Map.of("amount", 5, "payment_method", "sandbox", "currency", "THB")).status())
                .as("below the THB minimum of 10 credits").isEqualTo(400);
        assertThat(plain.post("/api/v1/credits/purchase", Map.of("amount", 10, "payment_method", "sandbox", "currency", "XYZ")).status()).isEqualTo(400);
        assertThat(plain.post("/api/v1/credits/purchase", Map.of("amount", 10, "payment_method", "paypal")).status()).isEqualTo(400);
        assertThat(plain.post("/api/v1/credits/purchase", Map.of("amount", 10, "payment_method", "mpesa")).status()).isEqualTo(400);
        // Another app's payment is invisible.
        String otherPayment = first.data().get("id").asString();
        assertThat(app(createApp()).get("/api/v1/payments/status/" + otherPayment).status()).isEqualTo(404);
    }

    @Test
    void liveKeysCannotBuyCreditsOrSubscribeWithTheSandbox() {
        String appId = createApp();
        Api live = appClient(appId, createKey(appId, Map.of("environment", "live")).get("key").asString());
        Api.Res bought = live.post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "sandbox"));
        assertThat(bought.status()).as(bought.toString()).isEqualTo(403);
        assertThat(bought.errorCode()).isEqualTo("SANDBOX_NOT_ALLOWED");
        Api.Res subscribed = live.post("/api/v1/customer/billing/subscribe", Map.of("plan_id", "starter", "payment_method", "sandbox"));
        assertThat(subscribed.errorCode()).isEqualTo("SANDBOX_NOT_ALLOWED");
        Api.Res asUser = live.with("X-External-User-Id", "u-" + UUID.randomUUID()).post("/api/v1/subscriptions",
                Map.of("plan_id", "pro", "payment_method", "sandbox"));
        assertThat(asUser.errorCode()).isEqualTo("SANDBOX_NOT_ALLOWED");
        // A publishable live key shipped in an app cannot mint credits either.
        Api publishable = appClient(appId, createKey(appId, Map.of("key_type", "publishable")).get("key").asString());
        assertThat(publishable.post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "sandbox")).status()).isEqualTo(403);
        assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE app_id = ?").param(appId).query(Long.class).single()).isZero();
    }

    @Test
    void aRetriedRefundWithTheSameIdempotencyKeyRefundsOnce() {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), 0);
        String paid = app(appId).post("/api/v1/credits/purchase", Map.of("amount", 100, "payment_method", "sandbox")).data().get("id").asString();
        Api operator = admin.with("Idempotency-Key", "refund-" + UUID.randomUUID());
        Api.Res first = operator.post("/api/admin/payments/" + paid + "/refund", Map.of("amount_minor", 300));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        Api.Res again = operator.post("/api/admin/payments/" + paid + "/refund", Map.of("amount_minor", 300));
        assertThat(again.text()).isEqualTo(first.text());
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(operator.post("/api/admin/payments/" + paid + "/refund", Map.of("amount_minor", 200)).status()).isEqualTo(422);
        JsonNode payment = admin.get("/api/admin/payments/" + paid).data();
        assertThat(payment.get("refunded_minor").asLong()).isEqualTo(300);
        assertThat(balance(wallet)).isEqualTo(70);
        assertThat(jdbc.sql("SELECT count(*) FROM payment_refunds WHERE payment_id = ?").param(paid).query(Long.class).single()).isEqualTo(1);
        assertLedgerConsistent();
    }

    @Test
    void settingACreditPriceKeepsTheLimitsItIsNotGiven() {
        String currency = "CH" + (char) ('A' + new java.util.Random().nextInt(26));
        assertThat(admin.put("/api/admin/credit-prices/" + currency, Map.of("price_per_credit_minor", 12, "min_credits", 25, "max_credits", 5000))
                .status()).isEqualTo(200);
        JsonNode changed = admin.put("/api/admin/credit-prices/" + currency, Map.of("price_per_credit_minor", 15)).data();
        assertThat(changed.get("price_per_credit_minor").asLong()).isEqualTo(15);
        assertThat(changed.get("min_credits").asLong()).isEqualTo(25);
        assertThat(changed.get("max_credits").asLong()).isEqualTo(5000);
        assertThat(admin.put("/api/admin/credit-prices/" + currency, Map.of("price_per_credit_minor", 15, "min_credits", 6000)).status())
                .as("min above the kept max").isEqualTo(400);
    }
}
