package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** /api/external-apps/{id}/usage by date range, feature and end user, with the top users — all from rollups. */
class UsageReportsTest extends ApiTest {

    @Test
    void usageByFeatureAndUserWithTopUsers() {
        String appId = createApp();
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "search", "pricing_type", "free"));
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "summarize", "pricing_type", "credit", "credit_cost", 1));
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        Api alice = app.with("X-External-User-Id", "alice");
        Api bob = app.with("X-External-User-Id", "bob");
        for (int i = 0; i < 3; i++) alice.post("/api/v1/test-meter/search", null);
        alice.post("/api/v1/test-meter/summarize", null);
        bob.post("/api/v1/test-meter/search", null);
        String aliceId = admin.get("/api/external-apps/" + appId + "/users?search=alice").data().get(0).get("user").get("id").asString();

        JsonNode all = admin.get("/api/external-apps/" + appId + "/usage").data();
        assertThat(all.get("totals").get("calls").asLong()).isEqualTo(5);
        assertThat(all.get("top_users").get(0).get("end_user_id").asString()).isEqualTo(aliceId);
        assertThat(all.get("top_users").get(0).get("calls").asLong()).isEqualTo(4);
        assertThat(all.get("top_users")).hasSize(2);

        JsonNode hers = admin.get("/api/external-apps/" + appId + "/usage?end_user_id=" + aliceId).data();
        assertThat(hers.get("totals").get("calls").asLong()).isEqualTo(4);
        assertThat(hers.get("totals").get("credits_used").asLong()).isEqualTo(1);
        assertThat(hers.get("by_feature")).hasSize(2);
        JsonNode hersSearch = admin.get("/api/external-apps/" + appId + "/usage?end_user_id=" + aliceId + "&feature=search").data();
        assertThat(hersSearch.get("totals").get("calls").asLong()).isEqualTo(3);
        assertThat(admin.get("/api/external-apps/" + appId + "/usage?feature=search").data().get("top_users").get(0).get("calls").asLong())
                .isEqualTo(3);
    }
}
