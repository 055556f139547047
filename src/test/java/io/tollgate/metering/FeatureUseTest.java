package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.PaidApiTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Features an app runs itself: check (charges nothing), use (the group-committed hot path), reservations. */
class FeatureUseTest extends PaidApiTest {

    private record App(String id, String organizationId, Api client) {}

    private App app(long credits, Map<String, Object> feature) {
        String appId = createApp();
        defineFeature(appId, feature);
        String org = organizationOf(appId);
        if (credits > 0) grant(org, credits);
        return new App(appId, org, appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString()));
    }

    private long usageRows(App app) {
        return jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(app.id()).query(Long.class).single();
    }

    @Test
    void checkAnswersWhatAUseWouldDoAndChargesNothing() {
        App app = app(5, Map.of("feature_name", "ocr", "pricing_type", "credit", "credit_cost", 2, "free_tier_limit", 1, "free_tier_period", "day"));
        JsonNode free = app.client().post("/api/v1/features/ocr/check", Map.of("units", 1)).data();
        assertThat(free.get("allowed").asBoolean()).isTrue();
        assertThat(free.get("pricing").asString()).isEqualTo("free_tier");
        assertThat(free.get("free_tier").get("remaining").asLong()).isEqualTo(1);
        assertThat(free.get("credits").get("balance").asLong()).isEqualTo(5);
        assertThat(free.get("credits").get("required").asLong()).isEqualTo(2);
        assertThat(usageRows(app)).as("a check records nothing").isZero();

        JsonNode used = app.client().post("/api/v1/features/ocr/use", Map.of("units", 1)).data();
        assertThat(used.get("pricing").asString()).isEqualTo("free_tier");
        assertThat(used.get("usage").get("remaining_free").asLong()).isZero();

        JsonNode paid = app.client().post("/api/v1/features/ocr/check", Map.of("units", 2)).data();
        assertThat(paid.get("allowed").asBoolean()).isTrue();
        assertThat(paid.get("pricing").asString()).isEqualTo("credits");
        assertThat(paid.get("free_tier").get("remaining").asLong()).isZero();

        Api.Res spent = app.client().post("/api/v1/features/ocr/use", Map.of("units", 2));
        assertThat(spent.data().get("credits_used").asLong()).isEqualTo(4);
        assertThat(spent.data().get("credits_remaining").asLong()).isEqualTo(1);

        JsonNode refused = app.client().post("/api/v1/features/ocr/check", Map.of("units", 1)).data();
        assertThat(refused.get("allowed").asBoolean()).isFalse();
        assertThat(refused.get("reason").asString()).isEqualTo("INSUFFICIENT_CREDITS");
        assertThat(refused.get("credits").get("balance").asLong()).isEqualTo(1);
        Api.Res use = app.client().post("/api/v1/features/ocr/use", Map.of("units", 1));
        assertThat(use.status()).isEqualTo(402);
        assertThat(use.errorCode()).as("check's reason is the real refusal's code").isEqualTo("INSUFFICIENT_CREDITS");
        assertThat(app.client().post("/api/v1/features/ocr/check", null).data().get("allowed").asBoolean()).as("units default to 1").isFalse();
        assertLedgerBalances();
    }

    @Test
    void useIsDecidedOnTheGroupCommittedPathAndIsIdempotent() {
        App app = app(100, Map.of("feature_name", "embed", "pricing_type", "credit", "credit_cost", 3));
        Api keyed = app.client().with("Idempotency-Key", "batch-" + UUID.randomUUID());
        Api.Res first = keyed.post("/api/v1/features/embed/use", Map.of("units", 5));
        Api.Res again = keyed.post("/api/v1/features/embed/use", Map.of("units", 5));
        assertThat(first.status()).isEqualTo(200);
        assertThat(again.text()).isEqualTo(first.text());
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.data().get("units").asLong()).isEqualTo(5);
        assertThat(first.data().get("credits_used").asLong()).isEqualTo(15);
        assertThat(balance(app.organizationId())).isEqualTo(85);
        // A metering batch paid for it: its usage row names the batch's spend transfer.
        assertThat(jdbc.sql("SELECT transfer_reference FROM usage_events WHERE app_id = ?").param(app.id()).query(String.class).single())
                .startsWith("mtr_");
        assertThat(keyed.post("/api/v1/features/embed/use", Map.of("units", 6)).errorCode()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        Api.Res tooMany = app.client().post("/api/v1/features/embed/use", Map.of("units", 999_999_999));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(app.client().post("/api/v1/features/embed/use", Map.of("units", 0)).status()).isEqualTo(400);
        assertThat(app.client().post("/api/v1/features/absent/use", Map.of("units", 1)).errorCode()).isEqualTo("FEATURE_NOT_ENABLED");
    }

    @Test
    void aReservationHoldsThenCapturesPartOfItAndReleasesTheRest() {
        App app = app(100, Map.of("feature_name", "render", "pricing_type", "credit", "credit_cost", 2));
        Api.Res reserved = app.client().post("/api/v1/features/render/reservations", Map.of("units", 10, "ttl_seconds", 60));
        assertThat(reserved.status()).as(reserved.toString()).isEqualTo(201);
        String id = reserved.data().get("id").asString();
        assertThat(id).startsWith("rsv_");
        assertThat(reserved.data().get("credits_held").asLong()).isEqualTo(20);
        assertThat(balance(app.organizationId())).isEqualTo(80);
        assertThat(held(app.organizationId())).isEqualTo(20);

        Api.Res captured = app.client().post("/api/v1/reservations/" + id + "/capture", Map.of("units", 4));
        assertThat(captured.status()).as(captured.toString()).isEqualTo(200);
        assertThat(captured.data().get("status").asString()).isEqualTo("captured");
        assertThat(captured.data().get("captured_units").asLong()).isEqualTo(4);
        assertThat(captured.data().get("credits_used").asLong()).isEqualTo(8);
        assertThat(captured.data().get("credits_released").asLong()).isEqualTo(12);
        assertThat(captured.data().get("credits_remaining").asLong()).isEqualTo(92);
        assertThat(balance(app.organizationId())).isEqualTo(92);
        assertThat(held(app.organizationId())).isZero();
        Api.Res twice = app.client().post("/api/v1/reservations/" + id + "/capture", Map.of("units", 4));
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.errorCode()).isEqualTo("RESERVATION_NOT_PENDING");
        assertThat(app.client().get("/api/v1/reservations/" + id).data().get("status").asString()).isEqualTo("captured");

        String other = app.client().post("/api/v1/features/render/reservations", Map.of("units", 5, "ttl_seconds", 60)).data().get("id").asString();
        Api.Res over = app.client().post("/api/v1/reservations/" + other + "/capture", Map.of("units", 6));
        assertThat(over.status()).isEqualTo(400);
        Api.Res released = app.client().with("Idempotency-Key", "release-" + other).post("/api/v1/reservations/" + other + "/release", null);
        assertThat(released.data().get("status").asString()).isEqualTo("released");
        assertThat(app.client().with("Idempotency-Key", "release-" + other).post("/api/v1/reservations/" + other + "/release", null)
                .header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(balance(app.organizationId())).isEqualTo(92);
        Map<String, Object> row = jdbc.sql("SELECT credits_used, units, pricing FROM usage_events WHERE app_id = ? AND credits_used > 0")
                .param(app.id()).query().singleRow();
        assertThat(row).containsEntry("credits_used", 8L).containsEntry("units", 4L).containsEntry("pricing", "credits");
        assertLedgerBalances();
    }

    @Test
    void aReservationThatRunsOutReleasesItselfAndGivesTheAllowanceBack() throws Exception {
        App app = app(100, Map.of("feature_name", "batch", "pricing_type", "credit", "credit_cost", 1, "free_tier_limit", 1,
                "free_tier_period", "day"));
        String free = app.client().post("/api/v1/features/batch/reservations", Map.of("units", 10, "ttl_seconds", 1)).data().get("id").asString();
        String paid = app.client().post("/api/v1/features/batch/reservations", Map.of("units", 10, "ttl_seconds", 1)).data().get("id").asString();
        assertThat(held(app.organizationId())).as("the first is the free call").isEqualTo(10);
        Thread.sleep(1100);
        Api.Res late = app.client().post("/api/v1/reservations/" + paid + "/capture", Map.of("units", 3));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.errorCode()).isEqualTo("RESERVATION_EXPIRED");
        long deadline = System.currentTimeMillis() + 30_000;
        while (!"expired".equals(app.client().get("/api/v1/reservations/" + free).data().get("status").asString())
                && System.currentTimeMillis() < deadline) Thread.sleep(200);
        assertThat(app.client().get("/api/v1/reservations/" + free).data().get("status").asString()).isEqualTo("expired");
        assertThat(app.client().get("/api/v1/reservations/" + paid).data().get("status").asString()).isEqualTo("expired");
        assertThat(balance(app.organizationId())).isEqualTo(100);
        assertThat(held(app.organizationId())).isZero();
        JsonNode check = app.client().post("/api/v1/features/batch/check", Map.of("units", 1)).data();
        assertThat(check.get("free_tier").get("remaining").asLong()).as("the free call was given back").isEqualTo(1);
        assertLedgerBalances();
    }

    @Test
    void aPlanAllowanceHeldByAReservationIsGivenBackForTheUnitsNotUsed() {
        String planId = "res" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.post("/api/admin/plans", Map.of("id", planId, "name", "Allowance", "audience", "organization", "tokens_per_month", 1000,
                "price_minor", 500, "currency", "USD")).status()).isEqualTo(201);
        App app = app(0, Map.of("feature_name", "tokens", "pricing_type", "subscription", "credit_cost", 1));
        assertThat(admin.post("/api/admin/subscriptions", Map.of("subscriber_type", "organization", "subscriber_id", app.organizationId(),
                "plan_id", planId)).status()).isEqualTo(201);
        String id = app.client().post("/api/v1/features/tokens/reservations", Map.of("units", 100, "ttl_seconds", 60)).data().get("id").asString();
        assertThat(app.client().post("/api/v1/features/tokens/check", null).data().get("plan").get("used").asLong()).isEqualTo(100);
        app.client().post("/api/v1/reservations/" + id + "/capture", Map.of("units", 30));
        JsonNode plan = app.client().post("/api/v1/features/tokens/check", null).data().get("plan");
        assertThat(plan.get("used").asLong()).isEqualTo(30);
        assertThat(plan.get("remaining").asLong()).isEqualTo(970);
    }

    @Test
    void onlySecretKeysMayStateTheirOwnUnits() {
        String appId = createApp();
        defineFeature(appId, Map.of("feature_name", "ocr", "pricing_type", "credit", "credit_cost", 1));
        Api.Res publishable = admin.post("/api/external-apps/" + appId + "/api-keys", Map.of("key_type", "publishable",
                "scopes", List.of("features:use")));
        assertThat(publishable.status()).isEqualTo(400);
        String key = createKey(appId, Map.of("key_type", "publishable")).get("key").asString();
        Api.Res refused = appClient(appId, key).post("/api/v1/features/ocr/use", Map.of("units", 1));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
    }
}
