package io.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/**
 * Seed 001's rate classes on the real catalog endpoints (RateLimitTest proves the classes themselves on
 * probe endpoints): GET /api/v1/apps spends apps_api, activate and PUT spend activation, and deactivate
 * spends neither, so a customer can always switch an app off.
 */
class CatalogRateLimitTest extends ApiTest {
    @Value("${tollgate.limits.apps-api.per-hour}")
    int appsApiPerHour;
    @Value("${tollgate.limits.activation.per-hour}")
    int activationPerHour;

    /** A fresh organization's client whose own key limit is far above the class budgets. */
    private Api customer() {
        String appId = createApp();
        return appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
    }

    private String catalogApp() {
        String id = "rl-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Res res = admin.post("/api/admin/catalog-apps", Map.of("id", id, "name", "Rate limited", "category", "test", "token_cost", 1,
                "widget_url", "https://widgets.example/" + id));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return id;
    }

    private static void assertClassSpent(Api.Res res, String endpointClass, int limit) {
        assertThat(res.status()).as(res.toString()).isEqualTo(429);
        assertThat(res.json().get("success").asBoolean()).isFalse();
        assertThat(res.errorCode()).isEqualTo("RATE_LIMITED");
        JsonNode details = res.json().get("error").get("details");
        assertThat(details.get("scope").asString()).isEqualTo("organization");
        assertThat(details.get("endpoint_class").asString()).isEqualTo(endpointClass);
        assertThat(details.get("limit").asLong()).isEqualTo(limit);
        assertThat(res.json().get("meta").get("request_id").asString()).isNotBlank();
        assertThat(Long.parseLong(res.header("Retry-After"))).isPositive().isEqualTo(details.get("retry_after_seconds").asLong());
    }

    @Test
    void theCatalogListingSpendsTheAppsApiClass() {
        assertThat(appsApiPerHour).as("seed 001: 100/hour per customer").isEqualTo(100);
        Api customer = customer();
        for (int i = 0; i < appsApiPerHour; i++) {
            Api.Res res = customer.get("/api/v1/apps?per_page=1");
            assertThat(res.status()).as("call %d: %s", i, res).isEqualTo(200);
        }
        assertClassSpent(customer.get("/api/v1/apps"), "apps_api", appsApiPerHour);
        // Only the catalog's class is spent: the organization's own activations still answer.
        assertThat(customer.get("/api/v1/customer/apps").status()).isEqualTo(200);
        assertThat(customer().get("/api/v1/apps").status()).as("another customer has its own budget").isEqualTo(200);
    }

    @Test
    void activateAndConfigureShareTheActivationClassAndDeactivateIsExempt() {
        assertThat(activationPerHour).as("seed 001: 10/hour per customer").isEqualTo(10);
        String app = catalogApp();
        Api customer = customer();
        Api.Res first = customer.post("/api/v1/customer/apps/" + app + "/activate", Map.of("allowed_origins", List.of("https://shop.example.com")));
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        String key = first.json().get("embed_code").asString().replaceAll(".*data-key=\"([^\"]+)\".*", "$1");
        // Activating again and PUT both change the configuration: one budget for both.
        for (int i = 1; i < activationPerHour; i++) {
            Api.Res res = i % 2 == 0 ? customer.post("/api/v1/customer/apps/" + app + "/activate", Map.of())
                    : customer.put("/api/v1/customer/apps/" + app, Map.of("allowed_origins", List.of("https://shop.example.com")));
            assertThat(res.status()).as("call %d: %s", i, res).isEqualTo(200);
        }
        assertClassSpent(customer.post("/api/v1/customer/apps/" + app + "/activate", Map.of()), "activation", activationPerHour);
        assertClassSpent(customer.put("/api/v1/customer/apps/" + app, Map.of()), "activation", activationPerHour);

        // With the activation budget spent, the customer still switches the app off, and its embed key stops at once.
        Api.Res off = customer.post("/api/v1/customer/apps/" + app + "/deactivate", null);
        assertThat(off.status()).as(off.toString()).isEqualTo(200);
        assertThat(off.data().get("status").asString()).isEqualTo("inactive");
        assertThat(Api.at(port).bearer(key).with("Origin", "https://shop.example.com").get("/api/v1/embed/" + app).errorCode())
                .isEqualTo("INVALID_API_KEY");
    }
}
