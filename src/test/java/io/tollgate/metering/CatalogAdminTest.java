package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The admin API of features (price rules) and plans: names as the issue gives them, and clear 400s. */
class CatalogAdminTest extends ApiTest {

    private Api.Res feature(String appId, Map<String, Object> body) {
        return admin.post("/api/external-apps/" + appId + "/features", body);
    }

    private static List<String> invalidFields(Api.Res res) {
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.errorCode()).isEqualTo("VALIDATION_FAILED");
        return res.json().get("error").get("details").get("fields").valueStream().map(f -> f.get("field").asString()).toList();
    }

    @Test
    void aPerRequestPriceIsPricePerRequestInMinorUnitsWithACurrency() {
        String appId = createApp();
        Api.Res created = feature(appId, Map.of("feature_name", "transcode", "pricing_type", "per_request", "price_per_request", 150,
                "currency", "USD"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.data().get("price_per_request").asLong()).isEqualTo(150);
        assertThat(created.data().get("currency").asString()).isEqualTo("USD");
        // A call of it is charged that price (billed to the organization).
        Api.Res call = appClient(appId).post("/api/v1/test-meter/transcode", null);
        assertThat(call.data().get("billing").get("charge").get("amount_minor").asLong()).isEqualTo(150);

        // The old name is still understood.
        Api.Res old = feature(appId, Map.of("feature_name", "resize", "pricing_type", "per_request", "price_per_request_minor", 40,
                "currency", "KES"));
        assertThat(old.status()).as(old.toString()).isEqualTo(201);
        assertThat(old.data().get("price_per_request").asLong()).isEqualTo(40);
        assertThat(invalidFields(feature(appId, Map.of("feature_name", "crop", "pricing_type", "per_request", "price_per_request", 40,
                "price_per_request_minor", 41, "currency", "KES")))).containsExactly("price_per_request");
    }

    @Test
    void aPriceWithoutACurrencyIsA400NamingTheFieldNotAConflict() {
        String appId = createApp();
        assertThat(invalidFields(feature(appId, Map.of("feature_name", "transcode", "pricing_type", "per_request", "price_per_request", 150))))
                .containsExactly("currency");
        assertThat(invalidFields(feature(appId, Map.of("feature_name", "transcode", "pricing_type", "per_request"))))
                .containsExactly("price_per_request");
        assertThat(invalidFields(feature(appId, Map.of("feature_name", "transcode", "pricing_type", "per_request", "price_per_request", -1,
                "currency", "USD")))).containsExactly("price_per_request");
        assertThat(admin.get("/api/external-apps/" + appId + "/features").data()).isEmpty();

        // The same on a change: a credit feature given a price but no currency.
        String id = feature(appId, Map.of("feature_name", "chat", "pricing_type", "credit", "credit_cost", 2)).data().get("id").asString();
        Api.Res put = admin.put("/api/external-apps/" + appId + "/features/" + id, Map.of("price_per_request", 99));
        assertThat(invalidFields(put)).containsExactly("currency");
        assertThat(admin.put("/api/external-apps/" + appId + "/features/" + id, Map.of("pricing_type", "per_request", "credit_cost", 0))
                .status()).isEqualTo(400);
        JsonNode unchanged = admin.get("/api/external-apps/" + appId + "/features/" + id).data();
        assertThat(unchanged.get("price_per_request").asLong()).isZero();
        assertThat(unchanged.get("pricing_type").asString()).isEqualTo("credit");
        Api.Res priced = admin.put("/api/external-apps/" + appId + "/features/" + id, Map.of("price_per_request", 99, "currency", "THB"));
        assertThat(priced.status()).as(priced.toString()).isEqualTo(200);
        assertThat(priced.data().get("price_per_request").asLong()).isEqualTo(99);
    }

    @Test
    void theSeededTiersCapGenerationAndPlansSayWhatTheirDailyLimitCounts() {
        for (String tier : List.of("free", "pro", "premium")) {
            JsonNode plan = admin.get("/api/admin/plans/" + tier).data();
            assertThat(plan.get("daily_limit_features").valueStream().map(JsonNode::asString).toList()).as(tier)
                    .containsExactly("image_generation", "video_generation", "audio_generation");
        }
        assertThat(admin.get("/api/admin/plans/free").data().get("daily_limit").asInt()).isEqualTo(3);
        assertThat(admin.get("/api/admin/plans/pro").data().get("daily_limit").asInt()).isEqualTo(20);
        assertThat(admin.get("/api/admin/plans/premium").data().get("daily_limit").asInt()).isEqualTo(50);

        String id = "caps" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> body = new HashMap<>(Map.of("id", id, "name", "Caps", "daily_limit", 5));
        Api.Res created = admin.post("/api/admin/plans", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.data().get("daily_limit_features").valueStream().map(JsonNode::asString).toList())
                .containsExactly("image_generation", "video_generation", "audio_generation");
        Api.Res changed = admin.put("/api/admin/plans/" + id, Map.of("daily_limit_features", List.of("*")));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(changed.data().get("daily_limit_features").get(0).asString()).isEqualTo("*");
        assertThat(changed.data().get("daily_limit").asInt()).isEqualTo(5);
        assertThat(admin.put("/api/admin/plans/" + id, Map.of("daily_limit_features", List.of("Not A Feature"))).status()).isEqualTo(400);
    }

    @Test
    void openApiNamesTheFields() {
        JsonNode schemas = anonymous.get("/v3/api-docs", Api.SLOW).json().get("components").get("schemas");
        assertThat(schemas.get("FeatureRequest").get("properties").has("price_per_request")).isTrue();
        assertThat(schemas.get("Feature").get("properties").has("price_per_request")).isTrue();
        assertThat(schemas.get("PlanRequest").get("properties").has("daily_limit_features")).isTrue();
        assertThat(schemas.get("Plan").get("properties").has("daily_limit_features")).isTrue();
    }
}
