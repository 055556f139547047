package io.tollgate.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Revenue and MRR move by exactly what a test does (other tests share the database, so compare before and after). */
class RevenueTest extends ApiTest {

    private long total(JsonNode report, String currency, String field) {
        for (JsonNode t : report.get("totals")) if (t.get("currency").asString().equals(currency)) return t.get(field).asLong();
        return 0;
    }

    private long mrr(String currency) {
        for (JsonNode m : admin.get("/api/admin/revenue/mrr").data().get("mrr")) {
            if (m.get("currency").asString().equals(currency)) return m.get("mrr_minor").asLong();
        }
        return 0;
    }

    @Test
    void paymentsChargesAndMrr() {
        String currency = "AED";
        JsonNode before = admin.get("/api/admin/revenue").data();
        String appId = createApp();
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "ocr", "pricing_type", "per_request",
                "price_per_request_minor", 25, "currency", currency));
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000, "environment", "test")).get("key").asString());
        for (int i = 0; i < 3; i++) assertThat(app.post("/api/v1/test-meter/ocr", null).status()).isEqualTo(200);
        assertThat(app.post("/api/v1/credits/purchase", Map.of("amount", 50, "payment_method", "sandbox", "currency", currency)).status())
                .isEqualTo(201);
        JsonNode after = admin.get("/api/admin/revenue").data();
        assertThat(total(after, currency, "received_minor") - total(before, currency, "received_minor")).isEqualTo(50 * 40);
        assertThat(total(after, currency, "charged_per_request_minor") - total(before, currency, "charged_per_request_minor")).isEqualTo(75);
        assertThat(after.get("payments_by_method").toString()).contains("sandbox");

        JsonNode appRevenue = admin.get("/api/external-apps/" + appId + "/revenue").data();
        assertThat(appRevenue.get("charged").get(0).get("amount_minor").asLong()).isEqualTo(75);
        assertThat(appRevenue.get("payments_by_method").get(0).get("paid_minor").asLong()).isEqualTo(2000);

        String planId = "mrr" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.post("/api/admin/plans", Map.of("id", planId, "name", "Yearly", "audience", "organization", "price_minor", 120_000,
                "currency", currency, "billing_cycle", "yearly")).status()).isEqualTo(201);
        long mrrBefore = mrr(currency);
        admin.post("/api/admin/subscriptions", Map.of("subscriber_type", "organization", "subscriber_id", organizationOf(appId), "plan_id", planId));
        assertThat(mrr(currency) - mrrBefore).isEqualTo(10_000);
    }
}
