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

    /** A catalog app of its own name, activated for the organization of appId: consumption follows activation. */
    private void catalogApp(String appId, String catalogAppId, String name) {
        Api.Res added = admin.post("/api/admin/catalog-apps", Map.of("id", catalogAppId, "name", name, "category", "eyewear", "token_cost", 5,
                "widget_url", "https://widgets.example/" + catalogAppId));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        activateCatalogApp(appId, catalogAppId);
    }

    private Api.Res consume(Api client, String catalogApp, long tokens, String session) {
        return client.post("/api/v1/customer/tokens/consume", Map.of("app_id", catalogApp, "tokens_consumed", tokens, "session_id", session));
    }

    @Test
    void planAllowanceThenPurchasedTokensThenRefusal() {
        String planId = "tok" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.post("/api/admin/plans", Map.of("id", planId, "name", "Tiny", "audience", "organization", "tokens_per_month", 10,
                "price_minor", 500, "currency", "USD")).status()).isEqualTo(201);
        String org = createOrganization();
        String tryOn = "vto-" + UUID.randomUUID().toString().substring(0, 8);
        String appId = app(org, "Storefront", "com.test." + UUID.randomUUID());
        String recommendations = "rec-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.post("/api/admin/subscriptions", Map.of("subscriber_type", "organization", "subscriber_id", org, "plan_id", planId))
                .status()).isEqualTo(201);
        String wallet = fundOrganization(org, 7);
        catalogApp(appId, tryOn, "Virtual Try-On");
        catalogApp(appId, recommendations, "Eyewear Recommendations");
        Api client = client(appId);

        JsonNode first = consume(client, tryOn, 6, "s1").data();
        assertThat(first.get("source").asString()).isEqualTo("plan");
        assertThat(first.get("plan_tokens_used").asLong()).isEqualTo(6);
        JsonNode split = consume(client, tryOn, 6, "s1").data();
        assertThat(split.get("source").asString()).isEqualTo("plan_and_credits");
        assertThat(split.get("plan_tokens_used").asLong()).isEqualTo(4);
        assertThat(split.get("purchased_tokens_used").asLong()).isEqualTo(2);
        assertThat(split.get("purchased_tokens_remaining").asLong()).isEqualTo(5);
        assertThat(consume(client, recommendations, 5, "s2").data().get("source").asString()).isEqualTo("credits");
        Api.Res refused = consume(client, recommendations, 1, "s2");
        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.errorCode()).isEqualTo("INSUFFICIENT_CREDITS");
        assertThat(refused.json().get("error").get("required").asLong()).isEqualTo(1);
        assertThat(refused.json().get("error").get("available").asLong()).isZero();
        assertThat(balance(wallet)).isZero();

        JsonNode usage = client.get("/api/v1/customer/tokens/usage").data();
        // The period is the plan's allowance (10, all used); the 7 purchased tokens are counted apart.
        JsonNode period = usage.get("current_period");
        assertThat(period.get("tokens_used").asLong()).isEqualTo(10);
        assertThat(period.get("tokens_remaining").asLong()).isZero();
        assertThat(period.get("tokens_total").asLong()).isEqualTo(10);
        assertThat(usage.get("purchased_tokens").get("tokens_used").asLong()).isEqualTo(7);
        assertThat(usage.get("purchased_tokens").get("tokens_remaining").asLong()).isZero();
        assertThat(usage.get("usage_by_app")).hasSize(2);
        JsonNode vto = usage.get("usage_by_app").get(0);
        assertThat(vto.get("app_id").asString()).isEqualTo(tryOn);
        assertThat(vto.get("app_name").asString()).isEqualTo("Virtual Try-On");
        assertThat(vto.get("tokens_consumed").asLong()).isEqualTo(12);
        assertThat(vto.get("sessions").asLong()).isEqualTo(1);
        assertThat(vto.get("avg_tokens_per_session").asDouble()).isEqualTo(12.0);
        // Consumed with the storefront app's key, but named after the catalog app it names.
        assertThat(usage.get("usage_by_app").get(1).get("app_name").asString()).isEqualTo("Eyewear Recommendations");
        assertThat(usage.get("daily_usage").get(0).get("tokens").asLong()).isEqualTo(17);

        // Every call, paid or refused, is a usage row; the reports read the rollups.
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(appId).query(Long.class).single()).isEqualTo(4);
        JsonNode report = admin.get("/api/external-apps/" + appId + "/usage").data();
        assertThat(report.get("totals").get("calls").asLong()).isEqualTo(4);
        assertThat(report.get("totals").get("errors").asLong()).isEqualTo(1);
        assertThat(report.get("totals").get("credits_used").asLong()).isEqualTo(7);
        assertThat(admin.get("/api/external-apps/" + appId + "/usage?feature=" + tryOn).data().get("totals").get("calls").asLong()).isEqualTo(2);
        assertThat(admin.get("/api/external-apps/" + appId + "/revenue").data().get("credits_used").asLong()).isEqualTo(7);
        assertLedgerConsistent();
    }

    private String app(String org, String name, String identifier) {
        Api.Res res = admin.post("/api/external-apps", Map.of("organization_id", org, "name", name, "app_type", "api",
                "app_identifier", identifier, "status", "active"));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data().get("id").asString();
    }

    /** Seed 001's example: the professional plan's 10000 tokens, 2847 used, 7153 left; only token consumption is listed. */
    @Test
    void usageHasSeed001sShapeAndCountsTokenConsumptionOnly() {
        String org = createOrganization();
        String tryOn = "vto-" + UUID.randomUUID().toString().substring(0, 8);
        String recommendations = "rec-" + UUID.randomUUID().toString().substring(0, 8);
        String appId = app(org, "Storefront", "com.test." + UUID.randomUUID());
        assertThat(admin.post("/api/admin/subscriptions", Map.of("subscriber_type", "organization", "subscriber_id", org,
                "plan_id", "professional")).status()).isEqualTo(201);
        fundOrganization(org, 50);
        catalogApp(appId, tryOn, "Virtual Try-On");
        catalogApp(appId, recommendations, "Eyewear Recommendations");
        Api client = client(appId);
        // Other calls of the organization are not token consumption: a free feature and a free content view.
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "image_generation", "pricing_type", "free"));
        assertThat(client.post("/api/v1/test-meter/image_generation", null).status()).isEqualTo(200);
        String item = admin.post("/api/external-apps/" + appId + "/content", Map.of("title", "Clip", "type", "video",
                "url", "https://cdn.example/c.mp4", "status", "published")).data().get("id").asString();
        assertThat(client.post("/api/v1/content/" + item + "/view", null).status()).isEqualTo(200);
        for (String session : List.of("a", "b")) assertThat(consume(client, tryOn, 625, session).status()).isEqualTo(200);
        for (String session : List.of("c", "d")) assertThat(consume(client, recommendations, 448, session).status()).isEqualTo(200);
        assertThat(consume(client, recommendations, 701, "d").status()).isEqualTo(200);

        JsonNode usage = client.get("/api/v1/customer/tokens/usage").data();
        assertThat(usage.propertyNames()).containsExactly("current_period", "usage_by_app", "daily_usage", "purchased_tokens");
        JsonNode period = usage.get("current_period");
        assertThat(period.propertyNames()).containsExactly("start_date", "end_date", "tokens_used", "tokens_remaining", "tokens_total");
        assertThat(period.get("tokens_total").asLong()).isEqualTo(10_000);
        assertThat(period.get("tokens_used").asLong()).isEqualTo(2847);
        assertThat(period.get("tokens_remaining").asLong()).isEqualTo(7153);
        JsonNode apps = usage.get("usage_by_app");
        assertThat(apps).hasSize(2);
        assertThat(apps.get(0).propertyNames()).containsExactly("app_id", "app_name", "tokens_consumed", "sessions", "avg_tokens_per_session");
        assertThat(apps.get(0).get("app_id").asString()).isEqualTo(recommendations);
        assertThat(apps.get(0).get("app_name").asString()).as("the catalog app's name").isEqualTo("Eyewear Recommendations");
        assertThat(apps.get(0).get("tokens_consumed").asLong()).isEqualTo(1597);
        assertThat(apps.get(0).get("sessions").asLong()).isEqualTo(2);
        assertThat(apps.get(0).get("avg_tokens_per_session").asDouble()).isEqualTo(798.5);
        assertThat(apps.get(1).get("app_id").asString()).isEqualTo(tryOn);
        assertThat(apps.get(1).get("tokens_consumed").asLong()).isEqualTo(1250);
        assertThat(apps.get(1).get("avg_tokens_per_session").asDouble()).isEqualTo(625.0);
        JsonNode daily = usage.get("daily_usage");
        assertThat(daily).hasSize(1);
        assertThat(daily.get(0).propertyNames()).containsExactly("date", "tokens");
        assertThat(daily.get(0).get("date").asString()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(daily.get(0).get("tokens").asLong()).isEqualTo(2847);
        assertThat(usage.get("purchased_tokens").get("tokens_used").asLong()).isZero();
        assertThat(usage.get("purchased_tokens").get("tokens_remaining").asLong()).isEqualTo(50);
    }

    @Test
    void paidCallsOtherThanTokensAreNotInTheTokenReport() {
        String appId = createApp();
        String org = organizationOf(appId);
        fundOrganization(org, 20);
        activateCatalogApp(appId, "vto-001");
        Api client = client(appId);
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "image_generation", "pricing_type", "credit",
                "credit_cost", 4));
        assertThat(client.post("/api/v1/test-meter/image_generation", null).status()).isEqualTo(200);
        assertThat(consume(client, "vto-001", 5, "s").status()).isEqualTo(200);

        JsonNode usage = client.get("/api/v1/customer/tokens/usage").data();
        assertThat(usage.get("usage_by_app")).hasSize(1);
        assertThat(usage.get("usage_by_app").get(0).get("app_id").asString()).isEqualTo("vto-001");
        assertThat(usage.get("usage_by_app").get(0).get("app_name").asString()).isEqualTo(admin.get("/api/admin/catalog-apps/vto-001")
                .data().get("name").asString());
        assertThat(usage.get("daily_usage").get(0).get("tokens").asLong()).isEqualTo(5);
        assertThat(usage.get("purchased_tokens").get("tokens_used").asLong()).isEqualTo(5);
        assertThat(usage.get("purchased_tokens").get("tokens_remaining").asLong()).isEqualTo(11);
        // No plan: no allowance.
        JsonNode period = usage.get("current_period");
        assertThat(period.get("tokens_total").asLong()).isZero();
        assertThat(period.get("tokens_used").asLong()).isZero();
        assertThat(period.get("tokens_remaining").asLong()).isZero();
    }

    /** Seed 001: consumption follows activation — never activated, or deactivated, is 403 APP_NOT_ACTIVATED and charges nothing. */
    @Test
    void consumingAnAppTheOrganizationHasNotActivatedIsRefused() {
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), 100);
        String tryOn = "vto-" + UUID.randomUUID().toString().substring(0, 8);
        Api client = client(appId);
        Api.Res unknown = consume(client, "no-such-app", 5, "s");
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.errorCode()).isEqualTo("APP_NOT_ACTIVATED");
        admin.post("/api/admin/catalog-apps", Map.of("id", tryOn, "name", "Try-On", "category", "ai_vision", "token_cost", 5,
                "widget_url", "https://widgets.example/vto"));
        assertThat(consume(client, tryOn, 5, "s").errorCode()).as("in the catalog but not activated").isEqualTo("APP_NOT_ACTIVATED");
        // Another organization's activation does not count.
        String otherApp = createApp();
        activateCatalogApp(otherApp, tryOn);
        assertThat(consume(client, tryOn, 5, "s").errorCode()).isEqualTo("APP_NOT_ACTIVATED");

        activateCatalogApp(appId, tryOn);
        assertThat(consume(client, tryOn, 5, "s").status()).isEqualTo(200);
        assertThat(client.post("/api/v1/customer/apps/" + tryOn + "/deactivate", null).status()).isEqualTo(200);
        Api.Res after = consume(client, tryOn, 5, "s");
        assertThat(after.status()).isEqualTo(403);
        assertThat(after.errorCode()).isEqualTo("APP_NOT_ACTIVATED");
        assertThat(balance(wallet)).isEqualTo(95);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(appId).query(Long.class).single()).isEqualTo(1);
        // last_used_at followed the one accepted consumption.
        assertThat(client.get("/api/v1/customer/apps/" + tryOn).data().get("last_used_at").isNull()).isFalse();
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
