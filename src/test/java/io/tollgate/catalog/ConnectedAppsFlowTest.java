package io.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Seed 001's three integration flows ("TestConnectedAppsFlow"), over real HTTP against the whole
 * application: browse → activate → configure → use → track tokens; reach the token limit → upgrade →
 * continue; deactivate → consumption stops → embed refused.
 */
class ConnectedAppsFlowTest extends ApiTest {
    private static final String SEED_SCHEMA = """
            {"widget_placement": {"type": "select", "options": ["product_page", "collection_page", "cart_page"], "default": "product_page"},
             "style_customization": {"type": "object", "properties": {
                 "button_color": {"type": "string", "default": "#007bff", "pattern": "#[0-9a-fA-F]{6}"},
                 "button_text": {"type": "string", "default": "Try On", "max_length": 30}}}}""";

    @Autowired
    CatalogEvents events;

    private String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private JsonNode addApp(String id, String name, String category, String pricingTier) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("id", id, "name", name, "description", "AI-powered virtual eyewear fitting",
                "category", category, "token_cost", 5, "features", List.of("3D rendering", "Face detection", "Real-time preview"),
                "configuration_schema", json(SEED_SCHEMA), "documentation_url", "/docs/apps/" + id, "widget_url", "https://widgets.example/" + id));
        if (pricingTier != null) body.put("pricing_tier", pricingTier);
        Api.Res res = admin.post("/api/admin/catalog-apps", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) {
        return tools.jackson.databind.json.JsonMapper.builder().build().readValue(text, java.util.LinkedHashMap.class);
    }

    /** An organization's app with a secret test key (sandbox payments need one) and the budgets of a busy customer. */
    private Api customer(String appId) {
        return appClient(appId, createKey(appId, Map.of("rate_limit", 100_000, "environment", "test")).get("key").asString());
    }

    @Test
    void browseActivateConfigureUseTrackTokens() {
        String category = unique("cat").replace("-", "_");
        String tryOn = unique("vto");
        addApp(tryOn, "Virtual Try-On", category, "professional");
        String free = unique("rec");
        addApp(free, "Eyewear Recommendations", category, null);
        String hidden = unique("old");
        addApp(hidden, "Old App", category, null);
        assertThat(admin.put("/api/admin/catalog-apps/" + hidden, Map.of("status", "hidden")).status()).isEqualTo(200);
        String appId = createApp();
        String org = organizationOf(appId);
        Api customer = customer(appId);

        // Browse: seed 001's shape, field for field — apps and pagination at the top level as the seed shows them,
        // the same in data as every Tollgate answer has it; hidden apps are not listed; filters narrow.
        Api.Res list = customer.get("/api/v1/apps?category=" + category);
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.json().propertyNames()).containsExactly("success", "apps", "pagination", "data", "meta");
        assertThat(list.json().get("success").asBoolean()).isTrue();
        assertThat(list.data().propertyNames()).containsExactly("apps", "pagination");
        assertThat(list.json().get("apps")).isEqualTo(list.data().get("apps"));
        assertThat(list.json().get("pagination")).isEqualTo(list.data().get("pagination"));
        assertThat(list.json().get("pagination").propertyNames()).containsExactly("page", "per_page", "total", "total_pages");
        assertThat(list.json().get("apps").get(0).propertyNames()).containsExactly("id", "name", "description", "category", "token_cost",
                "status", "features", "configuration_schema", "pricing_tier", "documentation_url");
        assertThat(list.data().get("apps")).hasSize(2);
        JsonNode listed = list.data().get("apps").get(1);
        assertThat(listed.propertyNames()).containsExactly("id", "name", "description", "category", "token_cost", "status", "features",
                "configuration_schema", "pricing_tier", "documentation_url");
        assertThat(listed.get("id").asString()).isEqualTo(tryOn);
        assertThat(listed.get("status").asString()).isEqualTo("available");
        assertThat(listed.get("token_cost").asInt()).isEqualTo(5);
        assertThat(listed.get("pricing_tier").asString()).isEqualTo("professional");
        assertThat(listed.get("configuration_schema").propertyNames()).containsExactly("widget_placement", "style_customization");
        assertThat(list.data().get("pagination").propertyNames()).containsExactly("page", "per_page", "total", "total_pages");
        assertThat(list.data().get("pagination").get("total").asLong()).isEqualTo(2);
        assertThat(customer.get("/api/v1/apps?category=" + category + "&q=RECOMMEND").data().get("apps")).hasSize(1);
        assertThat(customer.get("/api/v1/apps?category=" + category + "&q=%25").data().get("apps")).as("q is literal").isEmpty();
        assertThat(customer.get("/api/v1/apps?category=" + category + "&status=hidden").data().get("apps")).isEmpty();
        assertThat(customer.get("/api/v1/apps?status=nonsense").errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(customer.get("/api/v1/apps?category=" + category + "&per_page=1&page=2").data().get("apps").get(0).get("id").asString())
                .isEqualTo(tryOn);

        // Activate: a bad configuration is one problem per setting by path; the plan gate names the plans that may.
        Api.Res bad = customer.post("/api/v1/customer/apps/" + tryOn + "/activate", Map.of("configuration", Map.of("widget_placement", "home",
                "style_customization", Map.of("button_color", "orange"))));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(bad.json().get("error").get("details").get("fields").findValuesAsString("field"))
                .containsExactlyInAnyOrder("widget_placement", "style_customization.button_color");
        Map<String, Object> seedBody = Map.of("configuration", Map.of("widget_placement", "product_page",
                "style_customization", Map.of("button_color", "#ff6b35", "button_text", "Try It On")));
        Api.Res unpaid = customer.post("/api/v1/customer/apps/" + tryOn + "/activate", seedBody);
        assertThat(unpaid.status()).as(unpaid.toString()).isEqualTo(402);
        assertThat(unpaid.errorCode()).isEqualTo("SUBSCRIPTION_REQUIRED");
        assertThat(unpaid.json().get("error").get("details").get("plans").valueStream().map(JsonNode::asString).toList())
                .contains("professional").doesNotContain("starter");
        assertThat(customer.post("/api/v1/customer/billing/subscribe", Map.of("plan_id", "professional", "payment_method", "sandbox")).status())
                .isEqualTo(201);

        Api.Res activated = customer.post("/api/v1/customer/apps/" + tryOn + "/activate", seedBody);
        assertThat(activated.status()).as(activated.toString()).isEqualTo(201);
        JsonNode body = activated.json();
        // Seed 001's response at the top level, exactly; the same in data, as every Tollgate answer has it.
        assertThat(body.propertyNames()).containsExactly("success", "activation_id", "app", "embed_code", "data", "meta");
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("app").propertyNames()).containsExactly("id", "name", "status", "activated_at");
        assertThat(body.get("app").get("status").asString()).isEqualTo("active");
        assertThat(body.get("app").get("name").asString()).isEqualTo("Virtual Try-On");
        assertThat(body.get("data")).isEqualTo(((tools.jackson.databind.node.ObjectNode) body.deepCopy()).without(List.of("success", "data", "meta")));
        String activationId = body.get("activation_id").asString();
        assertThat(activationId).startsWith("act_");
        String embed = body.get("embed_code").asString();
        assertThat(embed).startsWith("<script src=\"http://localhost:" + port + "/embed/v1/" + tryOn + ".js\"")
                .contains("integrity=\"sha384-", "crossorigin=\"anonymous\"", "data-customer-id=\"" + org + "\"", "data-key=\"tg_pk_test_")
                .contains("data-config=\"{&quot;widget_placement&quot;:&quot;product_page&quot;");
        List<CatalogEvents.Seen> seen = events.of(activationId);
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst().inTransaction()).as("published inside the activation's transaction").isTrue();
        assertThat(((AppActivated) seen.getFirst().event()).catalogAppName()).isEqualTo("Virtual Try-On");

        // Configure: activating again changes the configuration of the one activation; PUT does too, validated.
        Api.Res again = customer.post("/api/v1/customer/apps/" + tryOn + "/activate", Map.of("configuration",
                Map.of("style_customization", Map.of("button_text", "Try Them"))));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("activation_id").asString()).isEqualTo(activationId);
        assertThat(events.of(activationId)).as("a reconfiguration is not an activation").hasSize(1);
        JsonNode read = customer.get("/api/v1/customer/apps/" + tryOn).data();
        assertThat(read.get("configuration").get("style_customization").get("button_text").asString()).isEqualTo("Try Them");
        assertThat(read.get("configuration").get("style_customization").get("button_color").asString()).as("default filled in").isEqualTo("#007bff");
        assertThat(read.get("configuration").get("widget_placement").asString()).isEqualTo("product_page");
        Api.Res badPut = customer.put("/api/v1/customer/apps/" + tryOn, Map.of("configuration", Map.of("widget_placement", 3)));
        assertThat(badPut.errorCode()).isEqualTo("VALIDATION_FAILED");
        Api.Res put = customer.put("/api/v1/customer/apps/" + tryOn, Map.of("configuration", Map.of("widget_placement", "cart_page"),
                "allowed_origins", List.of("https://Shop.Example.com")));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.data().get("configuration").get("widget_placement").asString()).isEqualTo("cart_page");
        assertThat(put.data().get("allowed_origins").get(0).asString()).isEqualTo("https://shop.example.com");
        assertThat(customer.put("/api/v1/customer/apps/" + tryOn, Map.of("allowed_origins", List.of("https://shop.example.com/path"))).errorCode())
                .isEqualTo("VALIDATION_FAILED");

        // Use: consumption of the activated app, tracked per app, per period and per day.
        assertThat(customer.post("/api/v1/customer/apps/" + free + "/activate", Map.of()).status()).isEqualTo(201);
        for (String session : List.of("s1", "s2")) {
            Api.Res used = customer.post("/api/v1/customer/tokens/consume", Map.of("app_id", tryOn, "tokens_consumed", 5, "session_id", session));
            assertThat(used.status()).as(used.toString()).isEqualTo(200);
        }
        assertThat(customer.post("/api/v1/customer/tokens/consume", Map.of("app_id", free, "tokens_consumed", 2, "session_id", "s3")).status())
                .isEqualTo(200);
        JsonNode mine = customer.get("/api/v1/customer/apps").data();
        assertThat(mine).hasSize(2);
        JsonNode tryOnRow = mine.valueStream().filter(a -> a.get("app_id").asString().equals(tryOn)).findFirst().orElseThrow();
        assertThat(tryOnRow.get("tokens_used_this_period").asLong()).isEqualTo(10);
        assertThat(tryOnRow.get("status").asString()).isEqualTo("active");
        assertThat(tryOnRow.get("last_used_at").isNull()).isFalse();
        assertThat(tryOnRow.get("embed_code").asString()).contains("data-key=\"tg_pk_test_");
        JsonNode usage = customer.get("/api/v1/customer/tokens/usage").data();
        assertThat(usage.get("current_period").get("tokens_used").asLong()).isEqualTo(12);
        assertThat(usage.get("current_period").get("tokens_total").asLong()).isEqualTo(10_000);
        assertThat(usage.get("usage_by_app").get(0).get("app_id").asString()).isEqualTo(tryOn);
        assertThat(usage.get("usage_by_app").get(0).get("app_name").asString()).isEqualTo("Virtual Try-On");
        assertThat(usage.get("usage_by_app").get(0).get("sessions").asLong()).isEqualTo(2);
        JsonNode days = customer.get("/api/v1/customer/apps/" + tryOn + "/analytics").data().get("days");
        assertThat(days).hasSize(1);
        assertThat(days.get(0).get("date").asString()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
        assertThat(days.get(0).get("tokens_consumed").asLong()).isEqualTo(10);
        assertThat(days.get(0).get("sessions_count").asLong()).isEqualTo(2);
        assertThat(customer.get("/api/v1/customer/apps/" + tryOn + "/analytics?from=2026-02-30").errorCode()).isEqualTo("VALIDATION_FAILED");

        // The operator sees the activations; the hidden app cannot be activated; nor can an unknown one.
        assertThat(admin.get("/api/admin/activations?organization_id=" + org).data()).hasSize(2);
        assertThat(customer.post("/api/v1/customer/apps/" + hidden + "/activate", Map.of()).status()).isEqualTo(404);
        assertThat(customer.post("/api/v1/customer/apps/no-such-app/activate", Map.of()).status()).isEqualTo(404);
        assertThat(admin.delete("/api/admin/catalog-apps/" + tryOn).errorCode()).isEqualTo("CATALOG_APP_IN_USE");
    }

    @Test
    void activationIsIdempotentWithAnIdempotencyKey() {
        String app = unique("idem");
        addApp(app, "Idempotent", "test", null);
        String appId = createApp();
        Api customer = customer(appId).with("Idempotency-Key", "activate-" + UUID.randomUUID());
        Map<String, Object> body = Map.of("configuration", Map.of("widget_placement", "cart_page"));
        Api.Res first = customer.post("/api/v1/customer/apps/" + app + "/activate", body);
        Api.Res replay = customer.post("/api/v1/customer/apps/" + app + "/activate", body);
        assertThat(first.status()).isEqualTo(201);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.json().get("activation_id").asString()).isEqualTo(first.json().get("activation_id").asString());
        assertThat(replay.json().get("embed_code").asString()).isEqualTo(first.json().get("embed_code").asString());
        assertThat(customer.post("/api/v1/customer/apps/" + app + "/activate", Map.of()).errorCode()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        // One embed key was made, and the key never reached a table in the clear.
        String key = first.json().get("embed_code").asString().replaceAll(".*data-key=\"([^\"]+)\".*", "$1");
        assertThat(jdbc.sql("SELECT count(*) FROM api_keys WHERE app_id = ? AND key_type = 'publishable'").param(appId).query(Long.class).single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM customer_apps WHERE embed_key_sealed LIKE ? OR configuration::text LIKE ?")
                .params("%" + key + "%", "%" + key + "%").query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM idempotency_keys WHERE coalesce(response, '') LIKE ?").param("%" + key + "%")
                .query(Long.class).single()).isZero();
    }

    @Test
    void reachTheTokenLimitUpgradeAndContinue() {
        String app = unique("vto");
        addApp(app, "Virtual Try-On", "test", "starter");
        String appId = createApp();
        Api customer = customer(appId);
        assertThat(customer.post("/api/v1/customer/billing/subscribe", Map.of("plan_id", "starter", "payment_method", "sandbox")).status())
                .isEqualTo(201);
        assertThat(customer.post("/api/v1/customer/apps/" + app + "/activate", Map.of()).status()).isEqualTo(201);
        // Starter: 1000 tokens a month, no purchased tokens. Use them up.
        assertThat(customer.post("/api/v1/customer/tokens/consume", Map.of("app_id", app, "tokens_consumed", 1000, "session_id", "a")).status())
                .isEqualTo(200);
        Api.Res limit = customer.post("/api/v1/customer/tokens/consume", Map.of("app_id", app, "tokens_consumed", 5, "session_id", "b"));
        assertThat(limit.status()).as(limit.toString()).isEqualTo(402);
        assertThat(limit.errorCode()).isEqualTo("INSUFFICIENT_CREDITS");
        assertThat(customer.get("/api/v1/customer/tokens/usage").data().get("current_period").get("tokens_remaining").asLong()).isZero();

        // Upgrade: the plan changes now; the allowance of the new plan applies and usage continues.
        Api.Res upgrade = customer.post("/api/v1/customer/billing/subscribe", Map.of("plan_id", "professional", "payment_method", "sandbox"));
        assertThat(upgrade.status()).as(upgrade.toString()).isEqualTo(200);
        Api.Res next = customer.post("/api/v1/customer/tokens/consume", Map.of("app_id", app, "tokens_consumed", 5, "session_id", "b"));
        assertThat(next.status()).as(next.toString()).isEqualTo(200);
        assertThat(next.data().get("source").asString()).isEqualTo("plan");
        JsonNode period = customer.get("/api/v1/customer/tokens/usage").data().get("current_period");
        assertThat(period.get("tokens_total").asLong()).isEqualTo(10_000);
        assertThat(period.get("tokens_used").asLong()).isEqualTo(1005);
        // The professional plan also opens the apps of its tier.
        String pro = unique("pro");
        addApp(pro, "Pro only", "test", "professional");
        assertThat(customer.post("/api/v1/customer/apps/" + pro + "/activate", Map.of()).status()).isEqualTo(201);
    }

    @Test
    void deactivateStopsConsumptionAndRefusesTheEmbed() {
        String app = unique("vto");
        addApp(app, "Virtual Try-On", "test", null);
        String appId = createApp();
        String wallet = fundOrganization(organizationOf(appId), 100);
        Api customer = customer(appId);
        Api.Res activated = customer.post("/api/v1/customer/apps/" + app + "/activate", Map.of("allowed_origins", List.of("https://shop.example.com")));
        String activationId = activated.json().get("activation_id").asString();
        String key = activated.json().get("embed_code").asString().replaceAll(".*data-key=\"([^\"]+)\".*", "$1");
        Api embed = Api.at(port).bearer(key).with("Origin", "https://shop.example.com");
        Api.Res mounted = embed.get("/api/v1/embed/" + app);
        assertThat(mounted.status()).as(mounted.toString()).isEqualTo(200);
        assertThat(mounted.data().get("widget_url").asString()).isEqualTo("https://widgets.example/" + app);
        assertThat(mounted.data().get("configuration").get("style_customization").get("button_text").asString()).isEqualTo("Try On");
        assertThat(customer.post("/api/v1/customer/tokens/consume", Map.of("app_id", app, "tokens_consumed", 5)).status()).isEqualTo(200);

        Api.Res deactivated = customer.post("/api/v1/customer/apps/" + app + "/deactivate", null);
        assertThat(deactivated.status()).as(deactivated.toString()).isEqualTo(200);
        assertThat(deactivated.data().get("status").asString()).isEqualTo("inactive");
        assertThat(deactivated.data().get("embed_code").isNull()).isTrue();
        Api.Res stopped = customer.post("/api/v1/customer/tokens/consume", Map.of("app_id", app, "tokens_consumed", 5));
        assertThat(stopped.status()).isEqualTo(403);
        assertThat(stopped.errorCode()).isEqualTo("APP_NOT_ACTIVATED");
        assertThat(balance(wallet)).isEqualTo(95);
        Api.Res refused = embed.get("/api/v1/embed/" + app);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.errorCode()).isEqualTo("INVALID_API_KEY");
        assertThat(customer.post("/api/v1/customer/apps/" + app + "/deactivate", null).status()).as("twice is harmless").isEqualTo(200);
        List<CatalogEvents.Seen> seen = events.of(activationId);
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1).event()).isInstanceOf(AppDeactivated.class);
        assertThat(seen.get(1).inTransaction()).isTrue();

        // Activating again makes it active anew, with a new embed key; the old one stays refused.
        Api.Res back = customer.post("/api/v1/customer/apps/" + app + "/activate", Map.of("allowed_origins", List.of("https://shop.example.com")));
        assertThat(back.status()).isEqualTo(201);
        assertThat(back.json().get("activation_id").asString()).isEqualTo(activationId);
        String newKey = back.json().get("embed_code").asString().replaceAll(".*data-key=\"([^\"]+)\".*", "$1");
        assertThat(newKey).isNotEqualTo(key);
        assertThat(embed.get("/api/v1/embed/" + app).status()).isEqualTo(401);
        assertThat(Api.at(port).bearer(newKey).with("Origin", "https://shop.example.com").get("/api/v1/embed/" + app).status()).isEqualTo(200);
        assertThat(customer.post("/api/v1/customer/tokens/consume", Map.of("app_id", app, "tokens_consumed", 5)).status()).isEqualTo(200);
    }
}
