package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * One name per thing in requests and answers: a key's prefix is "prefix" wherever a key is shown;
 * the credit pricing type is "credit" (seed 000's spelling) for apps, features and content, and the
 * other spelling, "credits", is still accepted on input.
 */
class OneNamePerThingTest extends ApiTest {

    @Test
    void theCreditPricingTypeHasOneSpelling() {
        String org = createOrganization();
        Api.Res app = admin.post("/api/external-apps", Map.of("organization_id", org, "name", "Spelling", "app_type", "web",
                "pricing_model", "credits", "status", "active"));
        assertThat(app.status()).as(app.toString()).isEqualTo(201);
        assertThat(app.data().get("pricing_model").asString()).isEqualTo("credit");
        String appId = app.data().get("id").asString();

        Api.Res feature = admin.post("/api/external-apps/" + appId + "/features",
                Map.of("feature_name", "spelled", "pricing_type", "credits", "credit_cost", 3));
        assertThat(feature.status()).as(feature.toString()).isEqualTo(201);
        assertThat(feature.data().get("pricing_type").asString()).isEqualTo("credit");

        for (String spelling : new String[] {"credit", "credits"}) {
            Api.Res item = admin.post("/api/external-apps/" + appId + "/content", Map.of("title", "Clip", "type", "video",
                    "url", "https://cdn.example/c.mp4", "pricing_type", spelling, "credits_required", 4, "status", "published"));
            assertThat(item.status()).as(item.toString()).isEqualTo(201);
            assertThat(item.data().get("pricing_type").asString()).isEqualTo("credit");
            String id = item.data().get("id").asString();
            assertThat(appClient(appId).get("/api/v1/content/" + id).data().get("pricing").get("type").asString()).isEqualTo("credit");
        }
        assertThat(jdbc.sql("SELECT DISTINCT pricing_type FROM content_items WHERE app_id = ?").param(appId).query(String.class).list())
                .containsExactly("credit");
    }

    @Test
    void openApiSaysTheSame() {
        JsonNode schemas = anonymous.get("/v3/api-docs", Api.SLOW).json().get("components").get("schemas");
        assertThat(schemas.get("ApiKey").get("properties").has("prefix")).isTrue();
        assertThat(schemas.get("ApiKey").get("properties").has("key_prefix")).isFalse();
        // Every pricing enum (those with "free" and "subscription" among their values) spells credit one way.
        java.util.List<JsonNode> pricingEnums = new java.util.ArrayList<>();
        collectEnums(schemas, pricingEnums);
        assertThat(pricingEnums).hasSizeGreaterThanOrEqualTo(3);
        for (JsonNode values : pricingEnums) {
            assertThat(values.toString()).as(values.toString()).contains("\"credit\"").doesNotContain("\"credits\"");
        }
    }

    private static void collectEnums(JsonNode node, java.util.List<JsonNode> found) {
        if (node.isObject()) {
            JsonNode values = node.get("enum");
            if (values != null && values.isArray() && values.toString().contains("\"subscription\"")
                    && values.toString().contains("\"free\"")) found.add(values);
            node.values().forEach(child -> collectEnums(child, found));
        } else if (node.isArray()) {
            node.values().forEach(child -> collectEnums(child, found));
        }
    }
}
