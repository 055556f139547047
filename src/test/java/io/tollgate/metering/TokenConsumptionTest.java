package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Seed 001's token API: plan allowance first, then purchased tokens, with exact records. */
class TokenConsumptionTest extends ApiTest {

    private Api client(String appId) {
        return appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
    }

    private Api.Res consume(Api client, String catalogApp, long tokens, String session) {
        return client.post("/api/v1/customer/tokens/consume", Map.of("app_id", catalogApp, "tokens_consumed", tokens, "session_id", session));
    }

    @Test
    void planAllowanceThenPurchasedTokensThenRefusal() {
        String planId = "tok" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.post("/api/admin/plans", Map.of("id", planId, "name", "Tiny", "audience", "organization", "tokens_per_month", 10,
                "price_minor", 500, "currency", "USD")).status()).isEqualTo(201);
        String appId = createApp();
        String org = organizationOf(appId);
        assertThat(admin.post("/api/admin/subscriptions", Map.of("subscriber_type", "organization", "subscriber_id", org, "plan_id", planId))
                .status()).isEqualTo(201);
        String wallet = fundOrganization(org, 7);
        Api client = client(appId);

        JsonNode first = consume(client, "vto-001", 6, "s1").data();
        assertThat(first.get("source").asString()).isEqualTo("plan");
        assertThat(first.get("plan_tokens_used").asLong()).isEqualTo(6);
        JsonNode split = consume(client, "vto-001", 6, "s1").data();
        assertThat(split.get("source").asString()).isEqualTo("plan_and_credits");
        assertThat(split.get("plan_tokens_used").asLong()).isEqualTo(4);
        assertThat(split.get("purchased_tokens_used").asLong()).isEqualTo(2);
        assertThat(split.get("purchased_tokens_remaining").asLong()).isEqualTo(5);
        assertThat(consume(client, "rec-001", 5, "s2").data().get("source").asString()).isEqualTo("credits");
        Api.Res refused = consume(client, "rec-001", 1, "s2");
        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.errorCode()).isEqualTo("INSUFFICIENT_CREDITS");
        assertThat(refused.json().get("error").get("required").asLong()).isEqualTo(1);
        assertThat(refused.json().get("error").get("available").asLong()).isZero();
        assertThat(balance(wallet)).isZero();

        JsonNode usage = client.get("/api/v1/customer/tokens/usage").data();
        JsonNode period = usage.get("current_period");
        assertThat(period.get("tokens_used").asLong()).isEqualTo(17);
        assertThat(period.get("tokens_remaining").asLong()).isZero();
        assertThat(period.get("tokens_total").asLong()).isEqualTo(17);
        assertThat(usage.get("usage_by_app")).hasSize(2);
        JsonNode vto = usage.get("usage_by_app").get(0);
        assertThat(vto.get("app_id").asString()).isEqualTo("vto-001");
        assertThat(vto.get("tokens_consumed").asLong()).isEqualTo(12);
        assertThat(vto.get("sessions").asLong()).isEqualTo(1);
        assertThat(vto.get("avg_tokens_per_session").asDouble()).isEqualTo(12.0);
        assertThat(usage.get("daily_usage").get(0).get("tokens").asLong()).isEqualTo(17);

        // Every call, paid or refused, is a usage row; the reports read the rollups.
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(appId).query(Long.class).single()).isEqualTo(4);
        JsonNode report = admin.get("/api/external-apps/" + appId + "/usage").data();
        assertThat(report.get("totals").get("calls").asLong()).isEqualTo(4);
        assertThat(report.get("totals").get("errors").asLong()).isEqualTo(1);
        assertThat(report.get("totals").get("credits_used").asLong()).isEqualTo(7);
        assertThat(admin.get("/api/external-apps/" + appId + "/usage?feature=vto-001").data().get("totals").get("calls").asLong()).isEqualTo(2);
        assertThat(admin.get("/api/external-apps/" + appId + "/revenue").data().get("credits_used").asLong()).isEqualTo(7);
        assertLedgerConsistent();
    }

    @Test
    void validationAndScopes() {
        String appId = createApp();
        Api client = client(appId);
        assertThat(client.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 0)).status()).isEqualTo(400);
        assertThat(client.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001")).status()).isEqualTo(400);
        assertThat(client.post("/api/v1/customer/tokens/consume", Map.of("app_id", "bad id!", "tokens_consumed", 1)).status()).isEqualTo(400);
        assertThat(client.post("/api/v1/customer/tokens/consume", "{\"app_id\":\"x\",\"tokens_consumed\":\"5\"}").status()).isEqualTo(400);
        Api readOnly = appClient(appId, createKey(appId, Map.of("scopes", List.of("tokens:read"))).get("key").asString());
        Api.Res denied = readOnly.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 1));
        assertThat(denied.errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(readOnly.get("/api/v1/customer/tokens/usage").status()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(appId).query(Long.class).single()).isZero();
    }
}
