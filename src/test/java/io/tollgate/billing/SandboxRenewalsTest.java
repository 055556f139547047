package io.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ClockedApiTest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Sandbox-paid subscriptions through their periods, with a clock the test moves and the renewal
 * scheduler run by hand: renewal (fresh allowance), a failed renewal (past_due, then unpaid after the
 * grace period), cancel at period end, cancel now.
 */
class SandboxRenewalsTest extends ClockedApiTest {
    @Autowired
    SubscriptionRenewals renewals;

    private String plan(long tokensPerMonth) {
        String id = "sbx" + UUID.randomUUID().toString().substring(0, 8);
        Api.Res res = admin.post("/api/admin/plans", Map.of("id", id, "name", "Sandbox " + id, "audience", "end_user",
                "tokens_per_month", tokensPerMonth, "price_minor", 3000, "currency", "USD"));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return id;
    }

    /** An end user of a new app with a credit feature "gen" (1 credit a call); named by the app, so no token expires as the clock moves. */
    private Api user() {
        String appId = createApp();
        assertThat(admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "gen", "pricing_type", "credit",
                "credit_cost", 1)).status()).isEqualTo(201);
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000, "environment", "test")).get("key").asString());
        return app.with("X-External-User-Id", "player-" + UUID.randomUUID());
    }

    private JsonNode subscribe(Api user, Map<String, Object> body) {
        Api.Res res = user.post("/api/v1/subscriptions", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data();
    }

    private JsonNode current(Api user) {
        return user.get("/api/v1/subscriptions").data().get(0);
    }

    private JsonNode call(Api user) {
        Api.Res res = user.post("/api/v1/test-meter/gen", null);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.data().get("billing");
    }

    /** Runs the scheduler until nothing is left to do (the test database keeps earlier runs' subscriptions, so there may be more than a batch). */
    private void renewAll() {
        for (int i = 0; i < 1_000 && renewals.runOnce() > 0; i++) {
            // next batch
        }
    }

    private void advanceTo(Instant target) {
        Duration gap = Duration.between(clock.instant(), target);
        if (!gap.isNegative()) clock.advance(gap);
    }

    private static Instant instant(JsonNode node, String field) {
        return Instant.parse(node.get(field).asString());
    }

    @Test
    void aSubscriptionStartsActiveWithAPeriodAndItsRenewalStartsAFreshAllowance() {
        String plan = plan(5);
        Api user = user();
        JsonNode sub = subscribe(user, Map.of("plan_id", plan, "payment_method", "sandbox"));
        assertThat(sub.get("status").asString()).isEqualTo("active");
        assertThat(sub.get("subscription").get("plan").asString()).isEqualTo(plan);
        assertThat(sub.get("payment").get("status").asString()).isEqualTo("succeeded");
        assertThat(sub.get("payment").get("amount_minor").asLong()).isEqualTo(3000);
        Instant start = instant(sub, "current_period_start");
        Instant end = instant(sub, "current_period_end");
        assertThat(end).isEqualTo(start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant());
        assertThat(sub.get("expires_at").asString()).isEqualTo(end.atZone(ZoneOffset.UTC).toLocalDate().toString());

        for (int i = 0; i < 5; i++) assertThat(call(user).get("pricing").asString()).isEqualTo("plan");
        assertThat(call(user).get("pricing").asString()).isEqualTo("credits"); // the allowance is used up

        advanceTo(end.plusSeconds(1));
        renewAll();
        JsonNode renewed = current(user);
        assertThat(renewed.get("id").asString()).isEqualTo(sub.get("id").asString());
        assertThat(renewed.get("status").asString()).isEqualTo("active");
        assertThat(instant(renewed, "current_period_start")).isEqualTo(end);
        assertThat(instant(renewed, "current_period_end")).isEqualTo(start.atZone(ZoneOffset.UTC).plusMonths(2).toInstant());

        JsonNode billing = call(user);
        assertThat(billing.get("pricing").asString()).isEqualTo("plan");
        assertThat(billing.get("subscription").get("expires_at").asString())
                .isEqualTo(instant(renewed, "current_period_end").atZone(ZoneOffset.UTC).toLocalDate().toString());
        JsonNode charges = user.get("/api/v1/subscriptions/" + sub.get("id").asString()).data().get("charges");
        assertThat(charges.get(0).get("kind").asString()).isEqualTo("renewal");
        assertThat(charges.get(0).get("status").asString()).isEqualTo("paid");
        assertThat(charges.get(0).get("amount_minor").asLong()).isEqualTo(3000);
        // Run again: nothing more is due.
        renewAll();
        assertThat(instant(current(user), "current_period_end")).isEqualTo(instant(renewed, "current_period_end"));
    }

    @Test
    void aFailedRenewalIsPastDueThenUnpaidAfterTheGracePeriod() {
        String plan = plan(5);
        Api user = user();
        JsonNode sub = subscribe(user, Map.of("plan_id", plan, "payment_method", "sandbox", "sandbox_renewal_outcome", "fail"));
        Instant end = instant(sub, "current_period_end");

        advanceTo(end.plusSeconds(1));
        renewAll();
        JsonNode due = current(user);
        assertThat(due.get("status").asString()).isEqualTo("past_due");
        assertThat(due.get("past_due_since").isNull()).isFalse();
        assertThat(instant(due, "current_period_start")).isEqualTo(end);
        JsonNode charge = user.get("/api/v1/subscriptions/" + sub.get("id").asString()).data().get("charges").get(0);
        assertThat(charge.get("status").asString()).isEqualTo("failed");
        assertThat(charge.get("failure_code").asString()).isEqualTo("card_declined");
        // past_due keeps the plan while the grace period runs.
        assertThat(call(user).get("pricing").asString()).isEqualTo("plan");
        assertThat(call(user).get("subscription").get("status").asString()).isEqualTo("past_due");

        advanceTo(instant(due, "past_due_since").plus(Duration.ofDays(3)).minusSeconds(60));
        renewAll();
        assertThat(current(user).get("status").asString()).isEqualTo("past_due");
        advanceTo(instant(due, "past_due_since").plus(Duration.ofDays(3)).plusSeconds(1));
        renewAll();
        assertThat(current(user).get("status").asString()).isEqualTo("unpaid");
        assertThat(call(user).get("pricing").asString()).isEqualTo("credits");
    }

    @Test
    void cancelAtPeriodEndRunsToTheEndAndIsNotRenewed() {
        String plan = plan(5);
        Api user = user();
        JsonNode sub = subscribe(user, Map.of("plan_id", plan, "payment_method", "sandbox"));
        String id = sub.get("id").asString();
        JsonNode canceling = user.delete("/api/v1/subscriptions/" + id + "?at_period_end=true").data();
        assertThat(canceling.get("status").asString()).isEqualTo("active");
        assertThat(canceling.get("cancel_at_period_end").asBoolean()).isTrue();
        assertThat(call(user).get("pricing").asString()).isEqualTo("plan");

        advanceTo(instant(sub, "current_period_end").plusSeconds(1));
        renewAll();
        JsonNode ended = current(user);
        assertThat(ended.get("status").asString()).isEqualTo("canceled");
        assertThat(ended.get("cancel_reason").asString()).isEqualTo("canceled_at_period_end");
        assertThat(ended.get("canceled_at").asString()).isEqualTo(sub.get("current_period_end").asString());
        assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE purpose = 'subscription' AND purpose_ref = ?").param(id).query(Long.class)
                .single()).isEqualTo(1);
        assertThat(call(user).get("pricing").asString()).isEqualTo("credits");
    }

    @Test
    void cancelNowEndsThePlanAtOnce() {
        String plan = plan(5);
        Api user = user();
        String id = subscribe(user, Map.of("plan_id", plan, "payment_method", "sandbox")).get("id").asString();
        JsonNode canceled = user.delete("/api/v1/subscriptions/" + id).data();
        assertThat(canceled.get("status").asString()).isEqualTo("canceled");
        assertThat(canceled.get("subscription").get("status").asString()).isEqualTo("canceled");
        assertThat(call(user).get("pricing").asString()).isEqualTo("credits");
        // Again: nothing changes, still 200.
        assertThat(user.delete("/api/v1/subscriptions/" + id).status()).isEqualTo(200);
    }

    /**
     * Seed 001's organization plans: starter 2900 and professional 19900 (USD cents) a month. Upgrade at
     * exactly half the period, downgrade with a quarter left, then the credit pays the renewals.
     */
    @Test
    void upgradeAndDowngradeAreProratedToTheMinorUnitAndACreditPaysTheNextRenewals() {
        String appId = createApp();
        Api org = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000, "environment", "test")).get("key").asString());
        Api.Res first = org.post("/api/v1/customer/billing/subscribe", Map.of("plan_id", "starter", "payment_method", "sandbox"));
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        String id = first.data().get("id").asString();
        Instant start = instant(first.data(), "current_period_start");
        Instant end = instant(first.data(), "current_period_end");
        long period = Duration.between(start, end).toSeconds();

        advanceTo(start.plusSeconds(period / 2));
        Api.Res up = org.post("/api/v1/customer/billing/subscribe", Map.of("plan_id", "professional", "payment_method", "sandbox"));
        assertThat(up.status()).as(up.toString()).isEqualTo(200);
        JsonNode upgrade = up.data().get("proration");
        assertThat(upgrade.get("credit_minor").asLong()).isEqualTo(1450);   // 2900 × ½
        assertThat(upgrade.get("charge_minor").asLong()).isEqualTo(9950);   // 19900 × ½
        assertThat(upgrade.get("net_minor").asLong()).isEqualTo(8500);
        assertThat(up.data().get("payment").get("amount_minor").asLong()).isEqualTo(8500);
        assertThat(up.data().get("payment").get("status").asString()).isEqualTo("succeeded");
        assertThat(up.data().get("plan_id").asString()).isEqualTo("professional");
        assertThat(up.data().get("price_minor").asLong()).isEqualTo(19900);
        assertThat(instant(up.data(), "current_period_end")).isEqualTo(end);

        advanceTo(start.plusSeconds(period * 3 / 4));
        Api.Res down = org.put("/api/v1/subscriptions/" + id, Map.of("plan_id", "starter"));
        assertThat(down.status()).as(down.toString()).isEqualTo(200);
        JsonNode downgrade = down.data().get("proration");
        assertThat(downgrade.get("credit_minor").asLong()).isEqualTo(4975);  // 19900 × ¼
        assertThat(downgrade.get("charge_minor").asLong()).isEqualTo(725);   // 2900 × ¼
        assertThat(downgrade.get("net_minor").asLong()).isEqualTo(-4250);
        assertThat(down.data().get("payment").isNull()).isTrue();
        assertThat(down.data().get("plan_id").asString()).isEqualTo("starter");
        assertThat(down.data().get("credit_balance_minor").asLong()).isEqualTo(4250);

        advanceTo(end.plusSeconds(1));
        renewAll();
        JsonNode covered = org.get("/api/v1/subscriptions/" + id).data();
        assertThat(covered.get("status").asString()).isEqualTo("active");
        assertThat(covered.get("credit_balance_minor").asLong()).isEqualTo(1350);
        assertThat(covered.get("charges").get(0).get("amount_minor").asLong()).isZero();
        assertThat(covered.get("charges").get(0).get("credit_applied_minor").asLong()).isEqualTo(2900);

        advanceTo(instant(covered, "current_period_end").plusSeconds(1));
        renewAll();
        JsonNode paid = org.get("/api/v1/subscriptions/" + id).data();
        assertThat(paid.get("status").asString()).isEqualTo("active");
        assertThat(paid.get("credit_balance_minor").asLong()).isZero();
        assertThat(paid.get("charges").get(0).get("amount_minor").asLong()).isEqualTo(1550);   // 2900 − 1350
        assertThat(paid.get("charges").get(0).get("status").asString()).isEqualTo("paid");
        assertThat(jdbc.sql("SELECT array_agg(amount_minor ORDER BY created_at) FROM payments WHERE purpose = 'subscription' AND purpose_ref = ?")
                .param(id).query(String.class).single()).isEqualTo("{2900,8500,1550}");
    }
}
