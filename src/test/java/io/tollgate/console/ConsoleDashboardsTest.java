package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.operators.OperatorAccounts;
import io.tollgate.operators.OperatorRole;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Dashboards are drawn from the rollups: with the app's usage_events deleted, every figure stays as it was. */
class ConsoleDashboardsTest extends ApiTest {
    @Autowired
    OperatorAccounts accounts;

    @Test
    void everyDashboardReadsTheRollupsNotTheEvents() {
        String appId = createApp();
        fundOrganization(organizationOf(appId), 1000);
        activateCatalogApp(appId, "vto-001");
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        for (int i = 0; i < 3; i++) {
            assertThat(app.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 2)).status()).isEqualTo(200);
        }
        // Views by an end user, so top users and the user's own figures have something to show.
        admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "content_view", "pricing_type", "free"));
        String item = admin.post("/api/external-apps/" + appId + "/content", Map.of("title", "Clip", "type", "video",
                "url", "https://cdn.example/clip.mp4", "status", "published")).data().get("id").asString();
        Api player = app.with("X-External-User-Id", "player-" + UUID.randomUUID());
        for (int i = 0; i < 2; i++) assertThat(player.post("/api/v1/content/" + item + "/view", null).status()).isEqualTo(200);
        String userId = jdbc.sql("SELECT end_user_id FROM usage_events WHERE app_id = ? AND end_user_id IS NOT NULL LIMIT 1").param(appId)
                .query(String.class).single();
        long events = jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(appId).query(Long.class).single();
        assertThat(events).isGreaterThanOrEqualTo(5);

        ConsoleClient console = ConsoleClient.signedIn(port, accounts, OperatorRole.VIEWER);
        List<String> pages = List.of("/console/apps/" + appId + "/usage", "/console/apps/" + appId + "/users",
                "/console/apps/" + appId + "/users/" + userId);
        JsonNode before = io.tollgate.Api.JSON.readTree(console.get("/console/usage.json?app=" + appId).body());
        assertThat(before.get("totals").get("calls").asLong()).isEqualTo(events);
        assertThat(before.get("charts").get("top_users").get("datasets").get(0).get("data").get(0).asLong()).isPositive();
        List<String> figures = pages.stream().map(p -> figures(console.get(p).body())).toList();

        jdbc.sql("DELETE FROM usage_events WHERE app_id = ?").param(appId).update();
        JsonNode after = io.tollgate.Api.JSON.readTree(console.get("/console/usage.json?app=" + appId).body());
        assertThat(after.get("totals")).isEqualTo(before.get("totals"));
        assertThat(after.get("charts")).isEqualTo(before.get("charts"));
        assertThat(pages.stream().map(p -> figures(console.get(p).body())).toList()).isEqualTo(figures);
        // The all-apps figures still include this app's calls.
        assertThat(io.tollgate.Api.JSON.readTree(console.get("/console/usage.json").body()).get("totals").get("calls").asLong())
                .isGreaterThanOrEqualTo(events);
    }

    /**
     * The numbers a page shows (its tables and cards), without the parts that change per request (tokens) and
     * without "Last seen", which LastSeenTracker writes in batches on its own schedule, not from the events.
     */
    static String figures(String page) {
        return String.join(",", page.lines().filter(l -> l.contains("class=\"num\"") || l.contains("class=\"value\"")
                || l.contains("<dd")).filter(l -> !l.contains("Last seen")).map(String::strip).toList());
    }
}
