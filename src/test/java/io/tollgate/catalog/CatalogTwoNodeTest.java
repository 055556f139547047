package io.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.ForkedNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 15: deactivation revokes the embed key "at once on every node". This test's server is node A; node B
 * is a second JVM on the same database, which has the key cached (it served the key just before). Within 1 s
 * of A's answer to the deactivation, B refuses the key and the consumption.
 */
class CatalogTwoNodeTest extends ApiTest {
    private static final String SHOP = "https://shop.example.com";
    /** Issue 15's "at once", made a number. */
    private static final long WITHIN_MILLIS = 1_000;
    private static ForkedNode nodeB;

    @Autowired
    DataSource dataSource;

    @AfterAll
    static void stopNodeB() throws InterruptedException {
        if (nodeB != null) nodeB.close();
    }

    @Test
    void deactivationOnNodeARevokesTheEmbedKeyOnNodeBWithinASecond() throws Exception {
        nodeB = ForkedNode.start("catalog-node-b", dataSource, List.of("-Xmx512m"), List.of());
        String app = "two-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.post("/api/admin/catalog-apps", Map.of("id", app, "name", "Two nodes", "category", "test", "token_cost", 1,
                "widget_url", "https://widgets.example/" + app)).status()).isEqualTo(201);
        String appId = createApp();
        fundOrganization(organizationOf(appId), 1_000);
        String customerKey = createKey(appId, Map.of()).get("key").asString();
        Api onA = appClient(appId, customerKey);
        Api.Res activated = onA.post("/api/v1/customer/apps/" + app + "/activate", Map.of("allowed_origins", List.of(SHOP)));
        assertThat(activated.status()).as(activated.toString()).isEqualTo(201);
        String embedKey = activated.json().get("embed_code").asString().replaceAll(".*data-key=\"([^\"]+)\".*", "$1");

        int portB = nodeB.waitForHealth();
        Api embedOnB = Api.at(portB).bearer(embedKey).with("Origin", SHOP);
        Api customerOnB = Api.at(portB).bearer(customerKey).with("X-App-Id", appId);
        // B serves the key and the app first, so both sit in B's caches when A deactivates.
        for (int i = 0; i < 3; i++) assertThat(embedOnB.get("/api/v1/embed/" + app).status()).isEqualTo(200);
        assertThat(customerOnB.post("/api/v1/customer/tokens/consume", Map.of("app_id", app, "tokens_consumed", 1)).status()).isEqualTo(200);

        assertThat(onA.post("/api/v1/customer/apps/" + app + "/deactivate", null).status()).isEqualTo(200);
        long answered = System.nanoTime();
        long keyRefusedAfter = -1;
        long consumeRefusedAfter = -1;
        Api.Res embed = null;
        Api.Res consume = null;
        // Both are dropped from B's caches by the one notification of the deactivating commit; poll until both are refused.
        while ((keyRefusedAfter < 0 || consumeRefusedAfter < 0) && elapsedMillis(answered) < WITHIN_MILLIS) {
            if (keyRefusedAfter < 0) {
                embed = embedOnB.get("/api/v1/embed/" + app);
                if (embed.status() != 200) keyRefusedAfter = elapsedMillis(answered);
            }
            if (consumeRefusedAfter < 0) {
                consume = customerOnB.post("/api/v1/customer/tokens/consume", Map.of("app_id", app, "tokens_consumed", 1));
                if (consume.status() != 200) consumeRefusedAfter = elapsedMillis(answered);
            }
            Thread.sleep(10);
        }
        assertThat(keyRefusedAfter).as("node B still served the embed key %d ms after the deactivation", WITHIN_MILLIS).isBetween(0L, WITHIN_MILLIS);
        assertThat(embed.status()).isEqualTo(401);
        assertThat(embed.errorCode()).isEqualTo("INVALID_API_KEY");
        assertThat(consumeRefusedAfter).as("node B still let the app consume %d ms after the deactivation", WITHIN_MILLIS)
                .isBetween(0L, WITHIN_MILLIS);
        assertThat(consume.errorCode()).as(consume.toString()).isEqualTo("APP_NOT_ACTIVATED");
    }

    private static long elapsedMillis(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }
}
