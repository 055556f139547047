package io.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Seed 001's billing API and seed 000's subscriptions API: shapes, payments, idempotency, scopes, validation, anonymous merge. */
class SubscriptionsApiTest extends ApiTest {

    private Api secretClient(String appId) {
        return appClient(appId, createKey(appId, Map.of("rate_limit", 100_000, "environment", "test")).get("key").asString());
    }

    @Test
    void billingPlansAreSeed001sShape() {
        String appId = createApp();
        Api.Res res = secretClient(appId).get("/api/v1/customer/billing/plans");
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        JsonNode plans = res.data().get("plans");
        JsonNode starter = null;
        for (JsonNode p : plans) {
            List<String> fields = new ArrayList<>(p.propertyNames());
            assertThat(fields).containsExactly("id", "name", "tokens_per_month", "price_cents", "billing_cycle", "features", "stripe_price_id");
            assertThat(p.get("id").asString()).isNotIn("free", "pro", "premium"); // end-user tiers are not organization plans
            if (p.get("id").asString().equals("starter")) starter = p;
        }
        assertThat(starter).isNotNull();
        assertThat(starter.get("name").asString()).isEqualTo("Starter");
        assertThat(starter.get("tokens_per_month").asLong()).isEqualTo(1000);
        assertThat(starter.get("price_cents").asLong()).isEqualTo(2900);
        assertThat(starter.get("billing_cycle").asString()).isEqualTo("monthly");
        assertThat(starter.get("features").get(0).asString()).isEqualTo("Basic apps access");
        assertThat(starter.get("stripe_price_id").asString()).isEqualTo("price_starter_monthly");
    }

    @Test
    void anOrganizationSubscribesOnceForOneIdempotencyKey() {
        String appId = createApp();
        String org = organizationOf(appId);
        Api client = secretClient(appId).with("Idempotency-Key", "sub-" + UUID.randomUUID());
        Map<String, Object> body = Map.of("plan_id", "professional", "payment_method", "sandbox");
        Api.Res first = client.post("/api/v1/customer/billing/subscribe", body);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        JsonNode sub = first.data();
        assertThat(sub.get("plan_id").asString()).isEqualTo("professional");
        assertThat(sub.get("status").asString()).isEqualTo("active");
        assertThat(sub.get("subscriber_type").asString()).isEqualTo("organization");
        assertThat(sub.get("subscriber_id").asString()).isEqualTo(org);
        assertThat(sub.get("billing_cycle_start").asString()).isEqualTo(sub.get("current_period_start").asString());
        assertThat(sub.get("billing_cycle_end").asString()).isEqualTo(sub.get("current_period_end").asString());
        assertThat(sub.get("subscription").get("plan").asString()).isEqualTo("professional");
        assertThat(sub.get("payment").get("amount_minor").asLong()).isEqualTo(19900);
        assertThat(sub.get("payment").get("currency").asString()).isEqualTo("USD");

        Api.Res replay = client.post("/api/v1/customer/billing/subscribe", body);
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.data().get("id").asString()).isEqualTo(sub.get("id").asString());
        assertThat(client.post("/api/v1/customer/billing/subscribe", Map.of("plan_id", "starter", "payment_method", "sandbox")).status())
                .isEqualTo(422);
        assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE organization_id = ? AND purpose = 'subscription'").param(org)
                .query(Long.class).single()).isEqualTo(1);

        // The organization's plan now meters its tokens; the current subscription reads back.
        activateCatalogApp(appId, "vto-001");
        JsonNode consumed = secretClient(appId).post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 10)).data();
        assertThat(consumed.get("source").asString()).isEqualTo("plan");
        assertThat(secretClient(appId).get("/api/v1/customer/billing/subscription").data().get("subscription").get("id").asString())
                .isEqualTo(sub.get("id").asString());
        // Subscribing again to the same plan is a conflict, not a second subscription.
        Api.Res again = secretClient(appId).post("/api/v1/customer/billing/subscribe", body);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("ALREADY_SUBSCRIBED");
    }

    @Test
    void scopesAndValidationAnswerClearly() {
        String appId = createApp();
        Api client = secretClient(appId);
        Api publishable = appClient(appId, createKey(appId, Map.of("key_type", "publishable")).get("key").asString());
        assertThat(publishable.post("/api/v1/customer/billing/subscribe", Map.of("plan_id", "starter", "payment_method", "sandbox")).errorCode())
                .isEqualTo("INSUFFICIENT_SCOPE");
        Api readOnly = appClient(appId, createKey(appId, Map.of("scopes", List.of("billing:read"))).get("key").asString());
        assertThat(readOnly.get("/api/v1/customer/billing/plans").status()).isEqualTo(200);
        assertThat(readOnly.get("/api/v1/subscriptions").errorCode()).isEqualTo("INSUFFICIENT_SCOPE");

        String path = "/api/v1/customer/billing/subscribe";
        assertThat(client.post(path, Map.of("plan_id", "no-such-plan", "payment_method", "sandbox")).errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(client.post(path, Map.of("plan_id", "premium", "payment_method", "sandbox")).errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(client.post(path, Map.of("plan_id", "starter")).errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(client.post(path, Map.of("plan_id", "starter", "payment_method", "paypal")).errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(client.post(path, Map.of("plan_id", "starter", "payment_method_id", "card_123")).errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(client.post(path, Map.of("plan_id", "starter", "payment_method", "sandbox", "extra", 1)).status()).isEqualTo(400);
        // M-Pesa takes KES only; Stripe is not configured on this server.
        assertThat(client.post(path, Map.of("plan_id", "starter", "payment_method", "mpesa", "phone_number", "254712345678")).errorCode())
                .isEqualTo("VALIDATION_FAILED");
        Api.Res stripe = client.post(path, Map.of("plan_id", "professional", "payment_method_id", "pm_1234567890"));
        assertThat(stripe.status()).isEqualTo(400);
        assertThat(stripe.errorCode()).isEqualTo("PAYMENT_METHOD_UNAVAILABLE");
        assertThat(client.get("/api/v1/subscriptions/sub_nope").status()).isEqualTo(404);
        assertThat(client.put("/api/v1/subscriptions/sub_nope", Map.of("plan_id", "starter")).status()).isEqualTo(404);
        assertThat(client.get("/api/v1/subscriptions?status=bogus").errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(jdbc.sql("SELECT count(*) FROM subscriptions WHERE subscriber_id = ?").param(organizationOf(appId)).query(Long.class).single())
                .isZero();
    }

    @Test
    void aDeclinedFirstPaymentIs402AndAPendingOneActivatesWhenPaid() {
        String appId = createApp();
        Api user = secretClient(appId).with("X-External-User-Id", "player-" + UUID.randomUUID());
        Api.Res declined = user.post("/api/v1/subscriptions", Map.of("plan_id", "pro", "payment_method", "sandbox", "sandbox_outcome", "fail"));
        assertThat(declined.status()).as(declined.toString()).isEqualTo(402);
        assertThat(declined.errorCode()).isEqualTo("PAYMENT_FAILED");
        JsonNode failed = declined.json().get("error").get("details").get("subscription");
        assertThat(failed.get("status").asString()).isEqualTo("canceled");
        assertThat(failed.get("cancel_reason").asString()).isEqualTo("payment_failed");

        Api.Res pending = user.post("/api/v1/subscriptions", Map.of("plan_id", "pro", "payment_method", "sandbox", "sandbox_outcome", "pending"));
        assertThat(pending.status()).isEqualTo(201);
        assertThat(pending.data().get("status").asString()).isEqualTo("incomplete");
        assertThat(pending.data().get("payment").get("amount_minor").asLong()).isEqualTo(100000);
        assertThat(pending.data().get("currency").asString()).isEqualTo("KES");
        // An incomplete subscription gives no plan yet: the default free plan still applies.
        String paymentId = pending.data().get("payment").get("id").asString();
        assertThat(admin.post("/api/admin/payments/" + paymentId + "/sandbox-outcome", Map.of("outcome", "succeed")).status()).isEqualTo(200);
        JsonNode active = user.get("/api/v1/subscriptions").data().get(0);
        assertThat(active.get("id").asString()).isEqualTo(pending.data().get("id").asString());
        assertThat(active.get("status").asString()).isEqualTo("active");
        assertThat(user.get("/api/v1/subscriptions").data()).hasSize(2);
        assertThat(user.get("/api/v1/subscriptions?status=canceled").data()).hasSize(1);
        // Another user of the app does not see them.
        Api other = secretClient(appId).with("X-External-User-Id", "player-" + UUID.randomUUID());
        assertThat(other.get("/api/v1/subscriptions").data()).isEmpty();
        assertThat(other.get("/api/v1/subscriptions/" + active.get("id").asString()).status()).isEqualTo(404);
        assertThat(other.delete("/api/v1/subscriptions/" + active.get("id").asString()).status()).isEqualTo(404);
    }

    @Test
    void anAnonymousUsersSubscriptionFollowsItIntoItsAccount() {
        String appId = createApp();
        Api app = secretClient(appId);
        String email = UUID.randomUUID() + "@example.com";
        String accountId = app.post("/api/v1/auth/register", Map.of("email", email, "password", "correct horse 1")).data()
                .get("user").get("id").asString();
        JsonNode anonymous = app.post("/api/v1/auth/anonymous", Map.of("device_id", "device-" + UUID.randomUUID())).data();
        Api guest = app.with("X-User-Token", anonymous.get("access_token").asString());
        String subscriptionId = guest.post("/api/v1/subscriptions", Map.of("plan_id", "premium", "payment_method", "sandbox")).data()
                .get("id").asString();

        Api.Res login = guest.post("/api/v1/auth/login", Map.of("email", email, "password", "correct horse 1"));
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        Api member = app.with("X-User-Token", login.data().get("access_token").asString());
        JsonNode mine = member.get("/api/v1/subscriptions").data();
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0).get("id").asString()).isEqualTo(subscriptionId);
        assertThat(mine.get(0).get("subscriber_id").asString()).isEqualTo(accountId);
        assertThat(mine.get(0).get("status").asString()).isEqualTo("active");
        // The account meters on the plan right away (the plan cache was told).
        assertThat(admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "gen", "pricing_type", "credit",
                "credit_cost", 1)).status()).isEqualTo(201);
        assertThat(member.post("/api/v1/test-meter/gen", null).data().get("billing").get("subscription").get("plan").asString())
                .isEqualTo("premium");
    }

    private JsonNode mrr(String currency) {
        for (JsonNode row : admin.get("/api/admin/billing/mrr").data()) if (row.get("currency").asString().equals(currency)) return row;
        return null;
    }

    @Test
    void mrrSumsActiveSubscriptionsPerCurrencyWithAYearlyPriceAsATwelfth() {
        // The test database outlives a run: count from what is there already.
        JsonNode before = mrr("CHF");
        long mrrBefore = before == null ? 0 : before.get("mrr_minor").asLong();
        long countBefore = before == null ? 0 : before.get("active_subscriptions").asLong();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.post("/api/admin/plans", Map.of("id", "mrrm" + suffix, "name", "Monthly", "audience", "organization",
                "price_minor", 1234, "currency", "CHF")).status()).isEqualTo(201);
        assertThat(admin.post("/api/admin/plans", Map.of("id", "mrry" + suffix, "name", "Yearly", "audience", "organization",
                "price_minor", 12006, "currency", "CHF", "billing_cycle", "yearly")).status()).isEqualTo(201);
        for (String plan : List.of("mrrm" + suffix, "mrry" + suffix, "mrrm" + suffix)) {
            Api.Res res = secretClient(createApp()).post("/api/v1/customer/billing/subscribe", Map.of("plan_id", plan, "payment_method", "sandbox"));
            assertThat(res.status()).as(res.toString()).isEqualTo(201);
        }
        // One monthly subscription ends: it no longer counts.
        String ended = jdbc.sql("SELECT id FROM subscriptions WHERE plan_id = ? ORDER BY created_at LIMIT 1").param("mrrm" + suffix)
                .query(String.class).single();
        assertThat(admin.delete("/api/admin/subscriptions/" + ended).data().get("status").asString()).isEqualTo("canceled");
        JsonNode chf = mrr("CHF");
        assertThat(chf.get("mrr_minor").asLong()).isEqualTo(mrrBefore + 1234 + 1001); // 12006 / 12 = 1000.5 → 1001
        assertThat(chf.get("active_subscriptions").asLong()).isEqualTo(countBefore + 2);
        // The operator's cancel is in the audit log.
        assertThat(admin.get("/api/admin/audit-log?target_id=" + ended).data().get(0).get("action").asString()).isEqualTo("subscription.canceled");
    }

    @Test
    void theBillingEndpointsAreDocumented() {
        JsonNode paths = anonymous.get("/v3/api-docs", Api.SLOW).json().get("paths");
        for (String path : List.of("/api/v1/subscriptions", "/api/v1/subscriptions/{id}", "/api/v1/customer/billing/plans",
                "/api/v1/customer/billing/subscribe", "/api/admin/billing/mrr")) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
        JsonNode put = paths.get("/api/v1/subscriptions/{id}").get("put");
        assertThat(put.get("tags").get(0).asString()).isEqualTo("App API: subscriptions");
        assertThat(put.get("description").asString()).contains("halves up");
        assertThat(paths.get("/api/v1/customer/billing/plans").get("get").get("tags").get(0).asString()).isEqualTo("Customer API: billing");
    }

    @Test
    void aFirstPaymentThatSucceedsAfterItsSubscriptionWasReplacedIsRefunded() {
        String appId = createApp();
        Api user = secretClient(appId).with("X-External-User-Id", "late-" + UUID.randomUUID());
        JsonNode waiting = user.post("/api/v1/subscriptions", Map.of("plan_id", "pro", "payment_method", "sandbox", "sandbox_outcome", "pending")).data();
        assertThat(waiting.get("status").asString()).isEqualTo("incomplete");
        String latePayment = waiting.get("payment").get("id").asString();
        // A new attempt replaces the one waiting for its payment.
        JsonNode replacing = user.post("/api/v1/subscriptions", Map.of("plan_id", "pro", "payment_method", "sandbox")).data();
        assertThat(replacing.get("status").asString()).isEqualTo("active");

        admin.post("/api/admin/payments/" + latePayment + "/sandbox-outcome", Map.of("outcome", "succeed"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> admin.get("/api/admin/payments/" + latePayment).data().get("status").asString().equals("refunded"));
        JsonNode refunded = admin.get("/api/admin/payments/" + latePayment).data();
        assertThat(refunded.get("refund_due_reason").asString()).contains(waiting.get("id").asString()).contains("superseded");
        assertThat(admin.get("/api/admin/payments?refund_due=true&payer_id=" + refunded.get("payer_id").asString()).data()).hasSize(1);
        assertThat(user.get("/api/v1/subscriptions/" + waiting.get("id").asString()).data().get("status").asString()).isEqualTo("canceled");
    }

    @Test
    void autoRenewCanBeTurnedOffAndOnAgain() {
        String appId = createApp();
        Api org = secretClient(appId);
        String id = org.post("/api/v1/customer/billing/subscribe", Map.of("plan_id", "starter", "payment_method", "sandbox")).data()
                .get("id").asString();
        JsonNode off = org.send("PATCH", "/api/v1/subscriptions/" + id, Map.of("auto_renew", false)).data();
        assertThat(off.get("auto_renew").asBoolean()).isFalse();
        org.delete("/api/v1/subscriptions/" + id + "?at_period_end=true");
        JsonNode on = org.send("PATCH", "/api/v1/subscriptions/" + id, Map.of("auto_renew", true)).data();
        assertThat(on.get("auto_renew").asBoolean()).isTrue();
        assertThat(on.get("cancel_at_period_end").asBoolean()).isFalse(); // renewing again undoes the cancel at period end
        assertThat(org.send("PATCH", "/api/v1/subscriptions/" + id, Map.of("auto_renew", "no")).status()).isEqualTo(400);
        org.delete("/api/v1/subscriptions/" + id);
        assertThat(org.send("PATCH", "/api/v1/subscriptions/" + id, Map.of("auto_renew", true)).errorCode()).isEqualTo("SUBSCRIPTION_NOT_ACTIVE");
    }
}
